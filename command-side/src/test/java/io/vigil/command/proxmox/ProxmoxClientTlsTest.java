package io.vigil.command.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.reactive.function.client.WebClient;

import io.vigil.command.proxmox.ProxmoxException.Kind;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Tls;
import io.vigil.simulators.proxmox.ProxmoxSimulator;

/** Real Proxmox serves a self-signed certificate for its node name, not for the address used. */
class ProxmoxClientTlsTest {

    @TempDir
    static Path dir;
    private static ProxmoxSimulator sim;

    @BeforeAll
    static void startWithSelfSignedCertificate() throws Exception {
        Path keyStore = dir.resolve("pve.p12");
        Process keytool = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "pve", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=pve-1.invalid", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();
        sim = ProxmoxSimulator.start(ProxmoxSimConfig.defaults()
                .withTls(new Tls(keyStore, "changeit")));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static ProxmoxClient client(boolean insecureTls) {
        return new ProxmoxClient(new ProxmoxProperties(sim.baseUrl(), null, null,
                Duration.ofSeconds(5), insecureTls), WebClient.builder());
    }

    @Test
    void insecure_tls_accepts_a_self_signed_certificate_for_another_host_name() {
        assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:");

        List<NodeInfo> nodes = client(true).nodes().block(Duration.ofSeconds(10));

        assertThat(nodes).hasSize(7);
    }

    @Test
    void reason_phrases_arrive_over_tls_too() {
        ProxmoxException e = catchThrowableOfType(ProxmoxException.class,
                () -> client(true).vmStatus("pve-1", 4242).block(Duration.ofSeconds(10)));

        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void without_insecure_tls_an_untrusted_certificate_is_refused_as_invalid() {
        ProxmoxException e = catchThrowableOfType(ProxmoxException.class,
                () -> client(false).nodes().block(Duration.ofSeconds(10)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID);
        assertThat(e.getMessage()).contains("TLS");
    }
}
