package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vigil.core.OrgId;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Commands over MQTT end to end, through a real broker (the machine's Mosquitto when it answers, the embedded
 * HiveMQ CE otherwise): the device receives its command at QoS 1 with the trigger id as correlation data and the
 * time to live as message expiry, its ack makes the trigger delivered (the broker's PUBACK only made it sent), a
 * device away gets its commands when it returns, and a repeated ack changes nothing.
 */
class MqttDeliveryTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    static final MqttBroker broker = MqttBroker.machineOrEmbedded();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        broker.register(registry);
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    private String person(Role role) {
        return "Bearer " + tokens.issue(role.name().toLowerCase(), List.of(role), new OrgId("acme")).token();
    }

    private String device(String id) {
        return (String) http.post().uri("/api/v1/devices").header("Authorization", person(Role.ADMIN))
                .bodyValue(Map.of("device_id", id)).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("api_key");
    }

    private String trigger(String id) {
        return (String) http.post().uri("/v1/devices/" + id + "/trigger").header("Authorization", person(Role.ENGINEER))
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody().get("trigger_id");
    }

    private List<String> eventTypes(String triggerId) {
        return jdbc.queryForList("SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber",
                String.class, triggerId).stream().map(t -> t.substring(t.lastIndexOf('.') + 1)).toList();
    }

    private List<String> connected() {
        return (List<String>) http.get().uri("/v1/devices/connected").header("Authorization", person(Role.ENGINEER))
                .exchange().expectBody(JSON).returnResult().getResponseBody().get("connected_devices");
    }

    @Test
    void a_command_goes_out_over_mqtt_and_only_the_devices_ack_delivers_it() throws Exception {
        try (MqttDevice cam = new MqttDevice(broker, "MQTT_CAM", device("MQTT_CAM")).connect()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> connected().contains("MQTT_CAM"));
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of("mqtt").equals(http.get().uri("/api/v1/devices/MQTT_CAM")
                    .header("Authorization", person(Role.ENGINEER)).exchange().expectBody(JSON).returnResult()
                    .getResponseBody().get("connected_via")));
            String triggerId = trigger("MQTT_CAM");

            await().atMost(Duration.ofSeconds(10)).until(() -> cam.triggerIds().contains(triggerId));
            Mqtt5Publish command = cam.commands.get(cam.triggerIds().indexOf(triggerId));
            assertThat(new String(command.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .contains("\"command\":\"capture\"", "\"trigger_id\":\"" + triggerId + "\"", "\"trigger_type\":\"manual\"");
            assertThat(command.getMessageExpiryInterval().orElseThrow()).isBetween(1L, 120L);
            await().atMost(Duration.ofSeconds(5)).until(() -> eventTypes(triggerId).contains("TriggerSent"));
            assertThat(eventTypes(triggerId)).containsExactly("TriggerCreated", "TriggerSent");

            cam.ack(triggerId, "received");
            cam.ack(triggerId, "received");
            await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(triggerId).contains("TriggerDelivered"));
            assertThat(eventTypes(triggerId)).containsExactly("TriggerCreated", "TriggerSent", "TriggerDelivered");
            assertThat(jdbc.queryForObject("SELECT payload FROM domainevententry WHERE aggregateidentifier = ?"
                    + " AND payloadtype LIKE '%TriggerSent'", byte[].class, triggerId)).asString(StandardCharsets.UTF_8)
                    .contains("mqtt");
        }
    }

    @Test
    void a_command_nobody_subscribed_to_is_not_counted_as_sent() throws Exception {
        device("SILENT_CAM");
        String triggerId = trigger("SILENT_CAM");
        // the broker acknowledged the publish with "no matching subscribers": nothing went out to the device
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> eventTypes(triggerId).equals(List.of("TriggerCreated")));
    }

    @Test
    void a_device_away_gets_its_commands_when_it_returns() throws Exception {
        try (MqttDevice cam = new MqttDevice(broker, "AWAY_CAM", device("AWAY_CAM")).connect()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> connected().contains("AWAY_CAM"));
            cam.disconnect();
            String triggerId = trigger("AWAY_CAM");
            assertThat(cam.triggerIds()).doesNotContain(triggerId);

            // back with its session: the broker kept the command, and the cloud sends what is unacknowledged
            // when the device says it is online; either way it arrives, and once acknowledged it is delivered once
            cam.connect();
            await().atMost(Duration.ofSeconds(15)).until(() -> cam.triggerIds().contains(triggerId));
            for (String received : cam.triggerIds()) {
                cam.ack(received, "received");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(triggerId).contains("TriggerDelivered"));
            assertThat(eventTypes(triggerId)).filteredOn("TriggerDelivered"::equals).hasSize(1);
        }
    }
}
