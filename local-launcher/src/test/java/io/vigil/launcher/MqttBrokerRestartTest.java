package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.command.mqtt.broker.EmbeddedBroker;
import io.vigil.core.OrgId;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded broker restarts, in memory, while commands are on their way: its sessions and queued messages are
 * gone, yet every trigger ends delivered, because the cloud re-sends what no device acknowledged and sends a
 * device's unacknowledged commands when it says it is online again. Nothing is lost and nothing is stuck.
 */
class MqttBrokerRestartTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    static final MqttBroker broker = MqttBroker.embedded();

    @Autowired
    EmbeddedBroker embedded;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        broker.register(registry);
        // re-sends soon enough for a test, spread as in production
        registry.add("vigil.triggers.resend-delays", () -> "1s,2s,2s,4s,4s,8s");
        registry.add("vigil.triggers.manual-ttl", () -> "60s");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    @Test
    void a_broker_restart_during_delivery_loses_nothing() throws Exception {
        String admin = "Bearer " + tokens.issue("admin", List.of(Role.ADMIN), new OrgId("acme")).token();
        String engineer = "Bearer " + tokens.issue("eng", List.of(Role.ENGINEER), new OrgId("acme")).token();
        List<MqttDevice> devices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "RESTART_" + i;
            String key = (String) http.post().uri("/api/v1/devices").header("Authorization", admin)
                    .bodyValue(Map.of("device_id", id)).exchange().expectStatus().isCreated()
                    .expectBody(JSON).returnResult().getResponseBody().get("api_key");
            devices.add(new MqttDevice(broker, id, key).connect());
        }
        List<String> triggers = new ArrayList<>();
        // half the commands go out just before the broker stops, half are created while it is down
        IntStream.range(0, 5).forEach(i -> triggers.add(trigger(engineer, "RESTART_" + i)));
        embedded.stop();
        IntStream.range(5, 10).forEach(i -> triggers.add(trigger(engineer, "RESTART_" + i)));
        embedded.start();

        // each device acks whatever it receives (re-sends included), as the agent does
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            for (MqttDevice d : devices) {
                for (String t : d.triggerIds()) {
                    d.tryAck(t);
                }
            }
            return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%TriggerDelivered'"
                    + " AND aggregateidentifier IN (SELECT unnest(?::text[]))", Long.class,
                    (Object) triggers.toArray(String[]::new)) == triggers.size();
        });
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trigger_inflight WHERE state <> 'DELIVERED'"
                + " AND device_id LIKE 'RESTART\\_%'", Long.class)).isZero();
        devices.forEach(MqttDevice::close);
    }

    private String trigger(String auth, String id) {
        return (String) http.post().uri("/v1/devices/" + id + "/trigger").header("Authorization", auth)
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody().get("trigger_id");
    }
}
