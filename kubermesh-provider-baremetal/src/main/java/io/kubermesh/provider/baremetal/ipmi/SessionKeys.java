package io.kubermesh.provider.baremetal.ipmi;

import java.util.Arrays;

/**
 * The keys of an established RMCP+ session: the session integrity key and the two derived from it
 * (IPMI 2.0 section 13.32). K1 keys the integrity AuthCode, the first 16 bytes of K2 the AES key.
 */
record SessionKeys(CipherSuite suite, byte[] sik, byte[] k1, byte[] k2) {
    static SessionKeys of(CipherSuite suite, byte[] sik) {
        return new SessionKeys(suite, sik.clone(), suite.derive(sik, 0x01), suite.derive(sik, 0x02));
    }

    byte[] aesKey() {
        return Arrays.copyOf(k2, 16);
    }

    @Override
    public String toString() {
        return "SessionKeys[suite " + suite.id + "]";
    }
}
