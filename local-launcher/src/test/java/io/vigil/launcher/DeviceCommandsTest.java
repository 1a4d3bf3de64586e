package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.RecordTriggerExecuted;
import io.vigil.core.trigger.TriggerId;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * The existing fleet's push protocol end to end over real HTTP and PostgreSQL: a person triggers a capture, the
 * device's Server-Sent Events stream carries it, the device acknowledges it; offline devices get it when they come
 * back, unacknowledged commands are sent again, and every trigger ends (failed, executed or expired), never stuck.
 */
class DeviceCommandsTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() { };

    @Autowired
    CommandGateway commands;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.triggers.manual-ttl", () -> "8s");
        registry.add("vigil.triggers.presence-refresh", () -> "500ms");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    private String person(String org, Role role) {
        return "Bearer " + tokens.issue(role.name().toLowerCase() + "-" + org, List.of(role), new OrgId(org)).token();
    }

    /** Registers a device in {@code org} and answers its key. */
    private String device(String org, String id) {
        return (String) http.post().uri("/api/v1/devices").header("Authorization", person(org, Role.ADMIN))
                .bodyValue(Map.of("device_id", id)).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("api_key");
    }

    private String trigger(String org, String id) {
        return (String) http.post().uri("/v1/devices/" + id + "/trigger").header("Authorization", person(org, Role.ENGINEER))
                .exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("trigger_id");
    }

    private Map<String, Object> ack(String id, String key, String triggerId, Map<String, Object> body) {
        return http.post().uri("/v1/devices/" + id + "/commands/" + triggerId + "/ack").header("X-Device-Key", key)
                .bodyValue(body).exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    /** A device holding its stream open, as the existing agent does; what it received so far. */
    private record Listening(List<ServerSentEvent<Map<String, Object>>> received, Disposable connection) {
        List<String> ids() {
            return received.stream().filter(e -> e.id() != null).map(ServerSentEvent::id).toList();
        }
    }

    private Listening listen(String id, String key) {
        List<ServerSentEvent<Map<String, Object>>> received = new CopyOnWriteArrayList<>();
        Disposable connection = WebClient.create("http://localhost:" + port).get().uri("/v1/devices/" + id + "/commands")
                .header("Authorization", "Bearer " + key).retrieve().bodyToFlux(SSE).subscribe(received::add);
        return new Listening(received, connection);
    }

    private Map<String, Object> deviceView(String id) {
        return http.get().uri("/api/v1/devices/" + id).header("Authorization", person("acme", Role.ENGINEER)).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private List<String> eventTypes(String triggerId) {
        return jdbc.queryForList("SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber",
                String.class, triggerId).stream().map(t -> t.substring(t.lastIndexOf('.') + 1)).toList();
    }

    private List<String> connected(String org) {
        return (List<String>) http.get().uri("/v1/devices/connected").header("Authorization", person(org, Role.ENGINEER))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody().get("connected_devices");
    }

    @Test
    void a_manual_trigger_reaches_the_connected_device_which_acknowledges_it_once() {
        String key = device("acme", "SSE_CAM");
        Listening cam = listen("SSE_CAM", key);
        await().atMost(Duration.ofSeconds(10)).until(() -> connected("acme").contains("SSE_CAM"));
        assertThat(connected("globex")).doesNotContain("SSE_CAM");

        String triggerId = trigger("acme", "SSE_CAM");
        await().atMost(Duration.ofSeconds(5)).until(() -> cam.ids().contains(triggerId));
        ServerSentEvent<Map<String, Object>> command = cam.received().stream().filter(e -> triggerId.equals(e.id()))
                .findFirst().orElseThrow();
        assertThat(command.event()).isEqualTo("capture");
        assertThat(command.data()).containsEntry("command", "capture").containsEntry("trigger_id", triggerId)
                .containsEntry("trigger_type", "manual").containsEntry("trigger_label", "manual")
                .containsKeys("issued_at", "expires_at");
        await().atMost(Duration.ofSeconds(5)).until(() -> eventTypes(triggerId).contains("TriggerSent"));

        assertThat(ack("SSE_CAM", key, triggerId, Map.of("status", "received"))).containsEntry("status", "delivered");
        assertThat(ack("SSE_CAM", key, triggerId, Map.of("status", "received"))).containsEntry("status", "delivered");
        assertThat(eventTypes(triggerId)).containsExactly("TriggerCreated", "TriggerSent", "TriggerDelivered");

        commands.sendAndWait(new RecordTriggerExecuted(new TriggerId(triggerId), new DeviceId("SSE_CAM"), null));
        assertThat(eventTypes(triggerId)).endsWith("TriggerExecuted");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trigger_inflight WHERE device_id = 'SSE_CAM'", Long.class)).isZero();

        await().atMost(Duration.ofSeconds(10)).until(() -> deviceView("SSE_CAM").get("connected_via").equals(List.of("sse")));
        assertThat(deviceView("SSE_CAM")).containsEntry("connected", true);

        cam.connection().dispose();
        await().atMost(Duration.ofSeconds(10)).until(() -> !connected("acme").contains("SSE_CAM"));
        assertThat(jdbc.queryForObject("SELECT last_seen_at IS NOT NULL FROM device_registry WHERE device_id = 'SSE_CAM'",
                Boolean.class)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(deviceView("SSE_CAM").get("connected")));
        assertThat(eventTypes("presence:SSE_CAM")).containsExactly("DeviceConnected", "DeviceDisconnected");
    }

    @Test
    void a_device_that_was_offline_gets_its_command_when_it_connects_and_one_in_flight_blocks_another() {
        String key = device("acme", "OFFLINE_CAM");
        String triggerId = trigger("acme", "OFFLINE_CAM");
        http.post().uri("/v1/devices/OFFLINE_CAM/trigger").header("Authorization", person("acme", Role.ENGINEER))
                .exchange().expectStatus().isEqualTo(409).expectBody().jsonPath("$.error.code").isEqualTo("trigger_in_flight");
        assertThat(eventTypes(triggerId)).containsExactly("TriggerCreated");

        Listening cam = listen("OFFLINE_CAM", key);
        await().atMost(Duration.ofSeconds(5)).until(() -> cam.ids().contains(triggerId));
        // not acknowledged: it comes again, with the same id, after the first re-send delay (2 s ± 25 %)
        await().atMost(Duration.ofSeconds(6)).until(() -> cam.ids().stream().filter(triggerId::equals).count() >= 2);
        assertThat(ack("OFFLINE_CAM", key, triggerId, Map.of("status", "failed", "reason", "lens covered")))
                .containsEntry("status", "failed");
        assertThat(eventTypes(triggerId)).containsExactly("TriggerCreated", "TriggerSent", "TriggerFailed");
        String next = trigger("acme", "OFFLINE_CAM");
        await().atMost(Duration.ofSeconds(5)).until(() -> cam.ids().contains(next));
        cam.connection().dispose();
    }

    @Test
    void a_trigger_nobody_executes_expires_and_a_late_ack_changes_nothing() {
        String key = device("acme", "QUIET_CAM");
        String triggerId = trigger("acme", "QUIET_CAM");
        await().atMost(Duration.ofSeconds(15)).until(() -> eventTypes(triggerId).contains("TriggerExpired"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trigger_inflight WHERE trigger_id = ?", Long.class, triggerId))
                .isZero();
        assertThat(ack("QUIET_CAM", key, triggerId, Map.of())).containsEntry("status", "expired");
        assertThat(eventTypes(triggerId)).containsExactly("TriggerCreated", "TriggerExpired");
    }

    @Test
    void the_organisation_reads_a_devices_triggers_filtered_and_paged_and_live() {
        String key = device("acme", "READ_CAM");
        String engineer = person("acme", Role.ENGINEER);
        List<Map<String, Object>> snapshots = new CopyOnWriteArrayList<>();
        Disposable live = WebClient.create("http://localhost:" + port).get().uri("/api/v1/devices/READ_CAM/triggers/live")
                .header("Authorization", engineer).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<List<Map<String, Object>>>>() { })
                .filter(e -> e.data() != null)
                .subscribe(e -> snapshots.add(Map.of("triggers", e.data())));
        try {
            String failed = trigger("acme", "READ_CAM");
            ack("READ_CAM", key, failed, Map.of("status", "failed", "reason", "dark"));
            String delivered = trigger("acme", "READ_CAM");
            ack("READ_CAM", key, delivered, Map.of("status", "received"));

            List<Map<String, Object>> all = await().atMost(Duration.ofSeconds(10)).until(() -> triggers(engineer,
                    "READ_CAM", ""), l -> l.size() == 2 && "delivered".equals(l.get(0).get("status")));
            assertThat(all).extracting(t -> t.get("trigger_id")).containsExactly(delivered, failed);
            assertThat(all.get(1)).containsEntry("status", "failed").containsEntry("failure_reason", "dark")
                    .containsEntry("trigger_type", "manual");
            assertThat(triggers(engineer, "READ_CAM", "?state=failed")).extracting(t -> t.get("trigger_id")).containsExactly(failed);
            assertThat(triggers(engineer, "READ_CAM", "?limit=1&before=" + delivered)).extracting(t -> t.get("trigger_id"))
                    .containsExactly(failed);
            assertThat(triggers(engineer, "READ_CAM", "?type=scheduled")).isEmpty();
            http.get().uri("/api/v1/devices/READ_CAM/triggers?state=lost").header("Authorization", engineer).exchange()
                    .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("invalid_state");
            http.get().uri("/api/v1/devices/READ_CAM/triggers").header("Authorization", person("globex", Role.ADMIN))
                    .exchange().expectStatus().isNotFound();
            await().atMost(Duration.ofSeconds(10)).until(() -> snapshots.stream().anyMatch(s -> ((List<?>) s.get("triggers"))
                    .stream().anyMatch(t -> delivered.equals(((Map<?, ?>) t).get("trigger_id"))
                            && "delivered".equals(((Map<?, ?>) t).get("status")))));
            Map<String, Object> device = http.get().uri("/api/v1/devices/READ_CAM").header("Authorization", engineer)
                    .exchange().expectBody(JSON).returnResult().getResponseBody();
            assertThat(device.get("last_seen_at")).isNotNull();
        } finally {
            live.dispose();
        }
    }

    private List<Map<String, Object>> triggers(String auth, String device, String query) {
        return http.get().uri("/api/v1/devices/" + device + "/triggers" + query).header("Authorization", auth).exchange()
                .expectStatus().isOk().returnResult(JSON_LIST).getResponseBody().blockFirst();
    }

    @Test
    void a_stream_opened_with_a_key_that_is_revoked_is_closed() {
        String key = device("acme", "REVOKED_CAM");
        Listening cam = listen("REVOKED_CAM", key);
        await().atMost(Duration.ofSeconds(10)).until(() -> connected("acme").contains("REVOKED_CAM"));
        Map<String, Object> device = http.get().uri("/api/v1/devices/REVOKED_CAM").header("Authorization",
                person("acme", Role.ADMIN)).exchange().expectBody(JSON).returnResult().getResponseBody();
        String keyId = (String) ((Map<?, ?>) ((List<?>) device.get("keys")).get(0)).get("key_id");
        http.delete().uri("/api/v1/devices/REVOKED_CAM/keys/" + keyId).header("Authorization", person("acme", Role.ADMIN))
                .exchange().expectStatus().isNoContent();
        await().atMost(Duration.ofSeconds(10)).until(() -> cam.connection().isDisposed() || !connected("acme")
                .contains("REVOKED_CAM"));
        assertThat(connected("acme")).doesNotContain("REVOKED_CAM");
    }

    @Test
    void only_people_of_the_organisation_with_a_role_that_may_trigger_do() {
        device("acme", "ROLE_CAM");
        http.post().uri("/v1/devices/ROLE_CAM/trigger").header("Authorization", person("acme", Role.AUDITOR))
                .exchange().expectStatus().isForbidden();
        // the read side is eventually consistent: wait for the view, then an auditor may read it
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get().uri("/api/v1/devices/ROLE_CAM")
                .header("Authorization", person("acme", Role.AUDITOR)).exchange().returnResult(JSON).getStatus().value() == 200);
        String agent = "Bearer " + tokens.issueForSession("01JD0000000000000000000000", java.time.Instant.now()
                .plusSeconds(600)).token();
        http.get().uri("/api/v1/devices").header("Authorization", agent).exchange().expectStatus().isForbidden();
        http.get().uri("/v1/devices/connected").header("Authorization", agent).exchange().expectStatus().isForbidden();
        http.post().uri("/api/v1/devices").header("Authorization", person("acme", Role.ADMIN))
                .bodyValue(Map.of("device_id", "vigil-cloud")).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_device_id");
    }

    @Test
    void a_device_must_present_its_own_valid_key() {
        String key = device("acme", "KEYED_CAM");
        String other = device("acme", "OTHER_CAM");
        http.get().uri("/v1/devices/KEYED_CAM/commands").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("device_unauthenticated");
        http.get().uri("/v1/devices/KEYED_CAM/commands").header("X-Device-Key", "vk_guessed").exchange()
                .expectStatus().isUnauthorized();
        http.get().uri("/v1/devices/KEYED_CAM/commands").header("X-Device-Key", other).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("wrong_device");
        String triggerId = trigger("acme", "KEYED_CAM");
        http.post().uri("/v1/devices/OTHER_CAM/commands/" + triggerId + "/ack").header("X-Device-Key", other)
                .bodyValue(Map.of()).exchange().expectStatus().isNotFound();
        http.post().uri("/v1/devices/KEYED_CAM/trigger").header("Authorization", person("globex", Role.ADMIN))
                .exchange().expectStatus().isNotFound();
        assertThat(eventTypes(triggerId)).containsExactly("TriggerCreated");

        http.patch().uri("/api/v1/devices/KEYED_CAM").header("Authorization", person("acme", Role.ADMIN))
                .bodyValue(Map.of("status", "suspended")).exchange().expectStatus().isOk();
        http.get().uri("/v1/devices/KEYED_CAM/commands").header("X-Device-Key", key).exchange()
                .expectStatus().isUnauthorized();
        http.post().uri("/v1/devices/OTHER_CAM/trigger").header("Authorization", person("acme", Role.ENGINEER))
                .exchange().expectStatus().isCreated();
    }
}
