package io.kubermesh.provider.baremetal.ipmi;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RMCP+ cipher suites this client offers (IPMI 2.0 table 22-20), all with AES-CBC-128
 * confidentiality: 17 (RAKP-HMAC-SHA256, HMAC-SHA256-128) and 3 (RAKP-HMAC-SHA1, HMAC-SHA1-96).
 * Suites without integrity or confidentiality, and suite 0 (no authentication, the "cipher zero"
 * hole), are never offered.
 */
enum CipherSuite {
    SUITE_3(3, 0x01, 0x01, "HmacSHA1", 20, 12, 12),
    SUITE_17(17, 0x03, 0x04, "HmacSHA256", 32, 16, 16);

    /** AES-CBC-128, the only confidentiality algorithm offered (IPMI 2.0 section 13.29). */
    static final int AES_CBC_128 = 0x01;

    final int id;
    /** Authentication algorithm number in the Open Session Request (13.17). */
    final int authentication;
    /** Integrity algorithm number (13.28). */
    final int integrity;
    final String hmac;
    /** Length of the RAKP 2 and 3 key exchange authentication codes and of SIK, K1, K2. */
    final int keyLength;
    /** Length of the RAKP 4 integrity check value. */
    final int rakp4Length;
    /** Length of the AuthCode in the session trailer. */
    final int authCodeLength;

    CipherSuite(int id, int authentication, int integrity, String hmac, int keyLength, int rakp4Length, int authCodeLength) {
        this.id = id;
        this.authentication = authentication;
        this.integrity = integrity;
        this.hmac = hmac;
        this.keyLength = keyLength;
        this.rakp4Length = rakp4Length;
        this.authCodeLength = authCodeLength;
    }

    static CipherSuite of(int authentication, int integrity, int confidentiality) {
        for (CipherSuite s : values()) {
            if (s.authentication == authentication && s.integrity == integrity && confidentiality == AES_CBC_128) {
                return s;
            }
        }
        return null;
    }

    byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(hmac);
            // A zero-length password is still a key: HMAC pads keys with zeros, so a 20-byte
            // zero-padded password (IPMI's Kuid) and the bare password give the same code.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, hmac));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is part of every Java runtime", e);
        }
    }

    /** K1 (integrity) or K2 (confidentiality): HMAC(SIK, constant repeated), 13.32. */
    byte[] derive(byte[] sik, int constant) {
        byte[] c = new byte[keyLength];
        Arrays.fill(c, (byte) constant);
        return hmac(sik, c);
    }
}
