package io.kubermesh.controlplane.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import org.junit.jupiter.api.Test;

class CaCertHashTest {
    /** A P-256 CA made with {@code openssl req -x509 -newkey ec -subj /CN=kubernetes}. */
    static final String CA = """
            -----BEGIN CERTIFICATE-----
            MIIBgDCCASegAwIBAgIUINvfxAZKmdcBpU2G+W5n060c+D8wCgYIKoZIzj0EAwIw
            FTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjExMjYwODQ2NTFaGA8yMTI2MTEw
            MjA4NDY1MVowFTETMBEGA1UEAwwKa3ViZXJuZXRlczBZMBMGByqGSM49AgEGCCqG
            SM49AwEHA0IABELND0VQ4dsjuL7yZpyVXknK9PTbuEzZfpuEgpb6QCXrGvTfVH/r
            Tw2IyhhjNXb6o1V79UomS4ypsX16VYk8dPmjUzBRMB0GA1UdDgQWBBRM7msp00r9
            RP3KZ9vzarNT2yQtMTAfBgNVHSMEGDAWgBRM7msp00r9RP3KZ9vzarNT2yQtMTAP
            BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIBS/3/o/UCZwTZJZWUgk
            LmCZ17++Bg/RbLgfOnK/laShAiAsAnvIi/zO4rrTgAI2vzA0iPwYq29c8JWrXNiu
            GVKUzw==
            -----END CERTIFICATE-----
            """;
    /**
     * The pin kubeadm's documentation computes for it: {@code openssl x509 -pubkey -in ca.crt -noout
     * | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex}.
     */
    static final String PIN = "sha256:26f46cdb6f2adcb5bd159be03292823622e98b496d032be749f6ef6d0f13fdae";

    @Test
    void thePinIsTheSha256OfTheSubjectPublicKeyInfoAsOpensslComputesIt() {
        assertThat(CaCertHash.ofPem(CA)).isEqualTo(PIN);
    }

    @Test
    void aNonCertificateIsAConfigurationError() {
        assertThatThrownBy(() -> CaCertHash.ofPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PEM X.509 certificate");
    }
}
