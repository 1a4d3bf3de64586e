package io.vigil.launcher;

import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The broker a test's system talks to: the machine's Mosquitto when it answers on 1883 (as in CI), the embedded
 * HiveMQ CE otherwise, or always the embedded one when a test must restart it or check device authentication.
 * Each test class gets a topic root of its own, so classes sharing a broker never see each other's messages.
 */
final class MqttBroker {
    static final String CLOUD_PASSWORD = "test-cloud-secret";
    final String host = "127.0.0.1";
    final int port;
    final boolean embedded;
    final String root = "vigiltest" + UUID.randomUUID().toString().substring(0, 8);

    private MqttBroker(int port, boolean embedded) {
        this.port = port;
        this.embedded = embedded;
    }

    /** {@code VIGIL_EMBEDDED_SERVICES=true} forces the embedded broker, as it forces embedded PostgreSQL and Redis. */
    static MqttBroker machineOrEmbedded() {
        boolean forced = "true".equalsIgnoreCase(System.getenv("VIGIL_EMBEDDED_SERVICES"));
        return !forced && mosquittoAnswers() ? new MqttBroker(1883, false) : embedded();
    }

    static MqttBroker embedded() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new MqttBroker(socket.getLocalPort(), true);
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    void register(DynamicPropertyRegistry registry) {
        registry.add("vigil.mqtt.enabled", () -> "true");
        registry.add("vigil.mqtt.url", () -> "tcp://" + host + ":" + port);
        registry.add("vigil.mqtt.root", () -> root);
        if (embedded) {
            registry.add("vigil.mqtt.embedded-broker.enabled", () -> "true");
            registry.add("vigil.mqtt.embedded-broker.port", () -> String.valueOf(port));
            registry.add("vigil.mqtt.password", () -> CLOUD_PASSWORD);
        }
    }

    String describe() {
        return embedded ? "embedded HiveMQ CE on " + port : "the machine's Mosquitto on 1883";
    }

    private static boolean mosquittoAnswers() {
        var probe = Mqtt5Client.builder().identifier("vigil-probe-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(1883).buildAsync();
        try {
            probe.connect().get(2, TimeUnit.SECONDS);
            probe.disconnect().get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
