package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.command.device.DeviceRegistry;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceKey;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Cameras as an organisation's admin registers and manages them over HTTP, on real PostgreSQL: keys shown once and
 * kept hashed, rotation with an overlap, revocation, validation that writes nothing, and organisations that never
 * see each other's devices.
 */
class DeviceRegistryTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

    @Autowired
    DeviceRegistry registry;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    private String admin(String org) {
        return "Bearer " + tokens.issue("admin-" + org, List.of(Role.ADMIN), new OrgId(org)).token();
    }

    private WebTestClient.ResponseSpec register(String auth, Map<String, Object> body) {
        return http.post().uri("/api/v1/devices").header("Authorization", auth).bodyValue(body).exchange();
    }

    private Map<String, Object> registered(String auth, String id, Map<String, Object> trigger) {
        return register(auth, Map.of("device_id", id, "friendly_name", "Camera " + id, "time_zone", "Europe/Berlin",
                "config", Map.of("trigger", trigger)))
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Location", "/api/v1/devices/" + id)
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> detail(String auth, String id) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> http.get().uri("/api/v1/devices/" + id)
                .header("Authorization", auth).exchange().returnResult(JSON).getResponseBody().blockFirst(), d -> d != null
                && d.get("device_id") != null);
    }

    private long events(String id) {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?", Long.class, id);
    }

    private boolean works(String key) {
        return registry.authenticate(DeviceKey.hash(key)).isPresent();
    }

    @Test
    void an_admin_registers_a_camera_and_gets_its_key_once_which_is_kept_only_hashed() {
        String acme = admin("acme");
        Map<String, Object> created = registered(acme, "FLOOR1", Map.of("enabled", true, "interval_seconds", 300));
        String key = (String) created.get("api_key");

        assertThat(key).startsWith("vk_").hasSizeGreaterThanOrEqualTo(46);
        assertThat(created).containsEntry("status", "active").containsEntry("time_zone", "Europe/Berlin")
                .containsEntry("friendly_name", "Camera FLOOR1");
        assertThat(created.get("config")).isEqualTo(Map.of("trigger",
                Map.of("enabled", true, "interval_seconds", 300, "windows", List.of())));
        assertThat(works(key)).isTrue();
        assertThat(registry.authenticate(DeviceKey.hash(key)).orElseThrow().org()).isEqualTo("acme");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE convert_from(payload, 'UTF8') LIKE ?",
                Long.class, "%" + key.substring(3) + "%")).isZero();

        Map<String, Object> seen = detail(acme, "FLOOR1");
        assertThat(seen).containsEntry("friendly_name", "Camera FLOOR1").doesNotContainKey("api_key");
        assertThat((List<?>) seen.get("keys")).singleElement().satisfies(k -> assertThat(((Map<?, ?>) k).get("key_id"))
                .isEqualTo(created.get("key_id")));
        assertThat(seen.toString()).doesNotContain(key).doesNotContain(DeviceKey.hash(key));
        String engineer = "Bearer " + tokens.issue("eve", List.of(Role.ENGINEER), new OrgId("acme")).token();
        assertThat(detail(engineer, "FLOOR1")).containsEntry("device_id", "FLOOR1");
        register(engineer, Map.of("device_id", "EVE1")).expectStatus().isForbidden();
    }

    @Test
    void another_organisation_neither_sees_nor_touches_a_device() {
        String acme = admin("acme");
        String globex = admin("globex");
        registered(acme, "LOBBY", Map.of("enabled", false));
        detail(acme, "LOBBY");

        for (String path : List.of("/api/v1/devices/LOBBY", "/api/v1/devices/NO_SUCH_CAMERA")) {
            http.get().uri(path).header("Authorization", globex).exchange()
                    .expectStatus().isNotFound().expectBody().jsonPath("$.error.code").isEqualTo("device_not_found");
        }
        http.patch().uri("/api/v1/devices/LOBBY").header("Authorization", globex).bodyValue(Map.of("friendly_name", "mine"))
                .exchange().expectStatus().isNotFound();
        http.post().uri("/api/v1/devices/LOBBY/keys").header("Authorization", globex).bodyValue(Map.of())
                .exchange().expectStatus().isNotFound();
        assertThat(http.get().uri("/api/v1/devices").header("Authorization", globex).exchange()
                .returnResult(JSON_LIST).getResponseBody().blockFirst()).noneMatch(d -> "LOBBY".equals(d.get("device_id")));
        // device ids are global (an MQTT user name and topic level): taken is a conflict, without saying by whom
        register(globex, Map.of("device_id", "LOBBY")).expectStatus().isEqualTo(409);
        assertThat(events("LOBBY")).isEqualTo(2);
    }

    @Test
    void invalid_configurations_are_refused_with_a_clear_error_and_write_nothing() {
        String acme = admin("acme");
        Map<String, String> refusals = Map.of(
                "invalid_interval_seconds", "{\"enabled\": true, \"interval_seconds\": 9}",
                "invalid_cron", "{\"enabled\": true, \"cron\": \"61 * * * *\"}",
                "invalid_window", "{\"enabled\": true, \"interval_seconds\": 60, \"windows\": [{\"days\": [\"mon\"], \"from\": \"18:00\", \"to\": \"08:00\"}]}",
                "invalid_trigger", "{\"enabled\": true}");
        refusals.forEach((code, trigger) -> http.post().uri("/api/v1/devices").header("Authorization", acme)
                .header("Content-Type", "application/json")
                .bodyValue("{\"device_id\": \"BAD1\", \"config\": {\"trigger\": " + trigger + "}}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo(code).jsonPath("$.error.message").isNotEmpty());
        register(acme, Map.of("device_id", "BAD1", "time_zone", "Mars/Base")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_time_zone");
        register(acme, Map.of("device_id", "BAD/1")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_device_id");
        assertThat(events("BAD1")).isZero();

        registered(acme, "GOOD1", Map.of("enabled", true, "interval_seconds", 60));
        http.patch().uri("/api/v1/devices/GOOD1").header("Authorization", acme)
                .bodyValue(Map.of("config", Map.of("trigger", Map.of("enabled", true, "interval_seconds", 5))))
                .exchange().expectStatus().isBadRequest();
        assertThat(events("GOOD1")).isEqualTo(2);
    }

    @Test
    void a_patch_records_only_what_changed() {
        String acme = admin("acme");
        registered(acme, "GATE", Map.of("enabled", true, "interval_seconds", 60));
        Map<String, Object> changed = http.patch().uri("/api/v1/devices/GATE").header("Authorization", acme)
                .bodyValue(Map.of("friendly_name", "Main gate", "status", "inactive", "config", Map.of("trigger", Map.of(
                        "enabled", true, "cron", "*/5 8-18 * * 1-5",
                        "windows", List.of(Map.of("days", List.of("mon", "tue"), "from", "08:00", "to", "12:30"))))))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();

        assertThat(changed).containsEntry("friendly_name", "Main gate").containsEntry("status", "inactive");
        assertThat(events("GATE")).isEqualTo(5);
        http.patch().uri("/api/v1/devices/GATE").header("Authorization", acme)
                .bodyValue(Map.of("friendly_name", "Main gate", "status", "inactive")).exchange().expectStatus().isOk();
        assertThat(events("GATE")).isEqualTo(5);
        Map<String, Object> seen = await().atMost(Duration.ofSeconds(10)).until(() -> detail(acme, "GATE"),
                d -> "Main gate".equals(d.get("friendly_name")) && "inactive".equals(d.get("status"))
                        && ((Map<?, ?>) ((Map<?, ?>) d.get("config")).get("trigger")).get("cron") != null);
        assertThat(((Map<?, ?>) ((Map<?, ?>) seen.get("config")).get("trigger")).get("windows")).isEqualTo(
                List.of(Map.of("days", List.of("mon", "tue"), "from", "08:00", "to", "12:30")));
    }

    @Test
    void keys_rotate_with_an_overlap_and_are_revoked() {
        String acme = admin("acme");
        String first = (String) registered(acme, "DOCK", Map.of("enabled", false)).get("api_key");

        Map<String, Object> second = http.post().uri("/api/v1/devices/DOCK/keys").header("Authorization", acme)
                .bodyValue(Map.of("overlap_seconds", 3600)).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(works(first)).isTrue();
        assertThat(works((String) second.get("api_key"))).isTrue();

        Map<String, Object> third = http.post().uri("/api/v1/devices/DOCK/keys").header("Authorization", acme)
                .bodyValue(Map.of("overlap_seconds", 0)).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(works(first)).isFalse();
        assertThat(works((String) second.get("api_key"))).isFalse();
        assertThat(works((String) third.get("api_key"))).isTrue();

        http.delete().uri("/api/v1/devices/DOCK/keys/" + third.get("key_id")).header("Authorization", acme)
                .exchange().expectStatus().isNoContent();
        assertThat(works((String) third.get("api_key"))).isFalse();
        long events = events("DOCK");
        http.delete().uri("/api/v1/devices/DOCK/keys/" + third.get("key_id")).header("Authorization", acme)
                .exchange().expectStatus().isNoContent();
        assertThat(events("DOCK")).isEqualTo(events);
        http.delete().uri("/api/v1/devices/DOCK/keys/key_000000000000").header("Authorization", acme)
                .exchange().expectStatus().isNotFound().expectBody().jsonPath("$.error.code").isEqualTo("key_not_found");
        http.post().uri("/api/v1/devices/DOCK/keys").header("Authorization", acme)
                .bodyValue(Map.of("overlap_seconds", -1)).exchange().expectStatus().isBadRequest();
    }

    @Test
    void a_suspended_device_is_refused_whatever_key_it_presents() {
        String acme = admin("acme");
        String key = (String) registered(acme, "YARD", Map.of("enabled", false)).get("api_key");
        http.patch().uri("/api/v1/devices/YARD").header("Authorization", acme).bodyValue(Map.of("status", "suspended"))
                .exchange().expectStatus().isOk();
        assertThat(works(key)).isFalse();
        http.patch().uri("/api/v1/devices/YARD").header("Authorization", acme).bodyValue(Map.of("status", "active"))
                .exchange().expectStatus().isOk();
        assertThat(works(key)).isTrue();
    }

    @Test
    void the_list_pages_by_device_id_within_the_organisation() {
        String initech = admin("initech");
        for (String id : List.of("CAM_A", "CAM_B", "CAM_C")) {
            registered(initech, id, Map.of("enabled", false));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> page(initech, "").size() == 3);
        assertThat(page(initech, "?limit=2")).extracting(d -> d.get("device_id")).containsExactly("CAM_A", "CAM_B");
        assertThat(page(initech, "?limit=2&after=CAM_B")).extracting(d -> d.get("device_id")).containsExactly("CAM_C");
        assertThat(page(initech, "?status=suspended")).isEmpty();
        http.get().uri("/api/v1/devices?status=broken").header("Authorization", initech).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("invalid_status");
    }

    private List<Map<String, Object>> page(String auth, String query) {
        return http.get().uri("/api/v1/devices" + query).header("Authorization", auth).exchange()
                .expectStatus().isOk().returnResult(JSON_LIST).getResponseBody().blockFirst();
    }
}
