package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import io.vigil.simulators.proxmox.VmSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole system through HTTP, on real PostgreSQL and Redis, against the Proxmox and Guacamole simulators over
 * real HTTP: what an engineer does, and what must be true in Proxmox afterwards.
 */
class SessionLifecycleTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.provisioning.quota-per-user", () -> "2");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }


    @BeforeEach
    void setUp() {
        proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        await().atMost(Duration.ofSeconds(20)).until(() -> templatesVisibleTo(token("carol", Role.ENGINEER)));
    }

    @Test
    void engineer_requests_a_session_sees_it_go_active_and_ends_it_leaving_no_vm() {
        String alice = token("alice", Role.ENGINEER);
        Map<String, Object> accepted = http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + alice)
                .header("X-Correlation-Id", "req-42")
                .bodyValue(Map.of("template_id", "ubuntu-22-04", "duration_minutes", 60, "session_type", "ephemeral"))
                .exchange()
                .expectStatus().isAccepted()
                .expectHeader().valueMatches("Location", "/api/v1/sessions/[0-9A-Z]{26}")
                .expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() { }).returnResult().getResponseBody();
        String id = (String) accepted.get("id");
        assertThat(accepted.get("status")).isEqualTo("provisioning");
        assertThat(accepted).containsKey("guacamole_url").doesNotContainKeys("vmid", "guest_address", "connection_id");

        Map<String, Object> active = await().atMost(Duration.ofSeconds(20)).until(() -> session(alice, id), s -> "active".equals(s.get("status")));
        assertThat((String) active.get("guacamole_url")).contains("/#/client/");
        assertThat(active).doesNotContainKeys("vmid", "guest_address", "connection_id");
        assertThat(vmsNamed(id)).singleElement().extracting(VmSnapshot::status).isEqualTo("running");
        assertThat(guacamole.connections()).anyMatch(c -> c.name().equals("vigil-" + id.toLowerCase()));

        http.delete().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + alice)
                .exchange().expectStatus().isAccepted();
        await().atMost(Duration.ofSeconds(20)).until(() -> session(alice, id), s -> "ended".equals(s.get("status")));
        assertThat(vmsNamed(id)).isEmpty();
        assertThat(guacamole.connections()).noneMatch(c -> c.name().equals("vigil-" + id.toLowerCase()));

        List<Map<String, Object>> metadata = jdbc.queryForList(
                "SELECT convert_from(metadata, 'UTF8') AS m FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber", id);
        assertThat(metadata).hasSizeGreaterThan(6).allSatisfy(row -> assertThat((String) row.get("m"))
                .contains("\"userId\":\"alice\"", "\"correlationId\"", "\"causationId\""));
        // everything from the request to activation belongs to the request's correlation id
        assertThat(metadata.subList(0, 5)).allSatisfy(row -> assertThat((String) row.get("m")).contains("\"correlationId\":\"req-42\""));
    }

    @Test
    void provisioning_that_keeps_failing_ends_failed_with_its_reason_and_removes_the_half_made_vm() {
        String dave = token("dave", Role.ENGINEER);
        proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withTaskFailure(1.0));
        String id = request(dave, "kali");
        Map<String, Object> failed = await().atMost(Duration.ofSeconds(30)).until(() -> session(dave, id), s -> "failed".equals(s.get("status")));
        proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        assertThat(failed.get("guacamole_url")).isNull();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE '%AdminAlertRaised'",
                Integer.class, id)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> vmsNamed(id).isEmpty());
    }

    @Test
    void a_request_beyond_the_quota_is_refused_and_writes_no_event() {
        String erin = token("erin", Role.ENGINEER);
        request(erin, "ubuntu-22-04");
        request(erin, "ubuntu-22-04");
        Integer before = jdbc.queryForObject("SELECT count(*) FROM domainevententry", Integer.class);
        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + erin)
                .bodyValue(Map.of("template_id", "ubuntu-22-04", "duration_minutes", 30, "session_type", "ephemeral"))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error.code").isEqualTo("quota_exceeded")
                .jsonPath("$.error.message").exists().jsonPath("$.error.timestamp").exists();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%SessionRequested' AND convert_from(payload, 'UTF8') LIKE '%erin%'",
                Integer.class)).isEqualTo(2);
        assertThat(before).isNotNull();
    }

    @Test
    void bad_input_is_a_400_with_the_error_shape() {
        String alice = token("alice", Role.ENGINEER);
        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + alice)
                .bodyValue(Map.of("template_id", "ubuntu-22-04", "duration_minutes", 500, "session_type", "ephemeral"))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_duration_minutes");
        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + alice)
                .bodyValue(Map.of("template_id", "no-such-template", "duration_minutes", 60))
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("template_not_found");
        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + alice)
                .header("Content-Type", "application/json").bodyValue("{not json")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").exists();
    }

    @Test
    void roles_and_ownership_are_enforced() {
        String frank = token("frank", Role.ENGINEER);
        String id = request(frank, "ubuntu-22-04");
        await().atMost(Duration.ofSeconds(10)).until(() -> session(frank, id), s -> id.equals(s.get("id")));
        http.get().uri("/api/v1/sessions/" + id).exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("unauthenticated");
        http.get().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + token("grace", Role.ENGINEER))
                .exchange().expectStatus().isForbidden();
        http.delete().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + token("grace", Role.ENGINEER))
                .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("not_session_owner");
        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token("ivan", Role.AUDITOR))
                .bodyValue(Map.of("template_id", "ubuntu-22-04", "duration_minutes", 60))
                .exchange().expectStatus().isForbidden();
        http.post().uri("/api/v1/admin/templates").header("Authorization", "Bearer " + frank)
                .bodyValue(Map.of("name", "Debian", "os_type", "linux", "protocol", "ssh", "proxmox_vmid", 9003))
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void an_admin_registers_a_template_that_engineers_can_then_use() {
        String admin = token("root", Role.ADMIN);
        http.post().uri("/api/v1/admin/templates").header("Authorization", "Bearer " + admin)
                .bodyValue(Map.of("name", "Fedora 41", "os_type", "linux", "protocol", "ssh", "proxmox_vmid", 9001))
                .exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.id").isEqualTo("fedora-41").jsonPath("$.ram_mb").isEqualTo(4096);
        http.post().uri("/api/v1/admin/templates").header("Authorization", "Bearer " + admin)
                .bodyValue(Map.of("name", "Fedora 41", "os_type", "linux", "protocol", "ssh", "proxmox_vmid", 9001))
                .exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
        // a new template is looked up in the cluster first (moments); until then a request is 503 template_not_located
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT located_node FROM admission_template WHERE template_id = 'fedora-41'", String.class) != null);
        String henry = token("henry", Role.ENGINEER);
        String id = request(henry, "fedora-41");
        await().atMost(Duration.ofSeconds(20)).until(() -> session(henry, id), s -> "active".equals(s.get("status")));
    }

    @Test
    void the_expiry_deadline_is_kept_by_its_id_ends_the_session_when_due_and_is_deleted_when_the_session_ends_first() {
        String kim = token("kim", Role.ENGINEER);
        String expiring = request(kim, "ubuntu-22-04");
        String ended = request(kim, "ubuntu-22-04");
        await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(session(kim, expiring).get("status"))
                && "active".equals(session(kim, ended).get("status")));
        String expiringDeadline = expiryDeadline(expiring);
        String endedDeadline = expiryDeadline(ended);
        assertThat(deadlineRows(expiringDeadline)).isEqualTo(1);

        http.delete().uri("/api/v1/sessions/" + ended).header("Authorization", "Bearer " + kim).exchange().expectStatus().isAccepted();
        await().atMost(Duration.ofSeconds(20)).until(() -> deadlineRows(endedDeadline) == 0);

        // the hour is up: the deadline comes due, finds its session through its scope, and expires it
        jdbc.update("UPDATE scheduled_tasks SET execution_time = now() WHERE task_instance = ?", expiringDeadline);
        await().atMost(Duration.ofSeconds(20)).until(() -> session(kim, expiring), s -> "expired".equals(s.get("status")));
        assertThat(vmsNamed(expiring)).isEmpty();
    }

    @Test
    void a_failed_session_tells_its_engineer_a_code_and_a_plain_reason_and_admins_the_details() {
        String lars = token("lars", Role.ENGINEER);
        proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withTaskFailure(1.0));
        String id = request(lars, "ubuntu-22-04");
        Map<String, Object> failed = await().atMost(Duration.ofSeconds(30)).until(() -> session(lars, id),
                s -> "failed".equals(s.get("status")));
        proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);

        assertThat(failed).containsEntry("failure_code", "clone_failed")
                .containsEntry("failure_reason", "The VM could not be created from its template.");
        assertThat(failed.toString()).doesNotContain("UPID").doesNotContain("Proxmox").doesNotContain("pve-1:")
                .doesNotContainPattern("\\b1\\d{4}\\b");
        Map<String, Object> internals = http.get().uri("/api/v1/admin/sessions/" + id)
                .header("Authorization", "Bearer " + token("root", Role.ADMIN)).exchange()
                .expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
        assertThat((String) internals.get("failure_reason")).contains("clone failed");
    }

    private String expiryDeadline(String sessionId) {
        String payload = jdbc.queryForObject("SELECT convert_from(payload, 'UTF8') FROM domainevententry"
                + " WHERE aggregateidentifier = ? AND payloadtype LIKE '%SessionRequested'", String.class, sessionId);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"expiryDeadlineId\":\"([^\"]+)\"").matcher(payload);
        assertThat(m.find()).as("expiry deadline id in " + payload).isTrue();
        return m.group(1);
    }

    private int deadlineRows(String taskInstance) {
        return jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'AxonDeadline' AND task_instance = ?",
                Integer.class, taskInstance);
    }

    @Test
    void the_openapi_document_describes_both_sides_of_the_api() {
        http.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/sessions'].post").exists()
                .jsonPath("$.paths['/api/v1/sessions/{id}'].get").exists()
                .jsonPath("$.paths['/api/v1/admin/nodes'].get").exists();
    }

    private String request(String token, String template) {
        Map<String, Object> body = http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token)
                .bodyValue(Map.of("template_id", template, "duration_minutes", 60, "session_type", "ephemeral"))
                .exchange().expectStatus().isAccepted().expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() { }).returnResult().getResponseBody();
        return (String) body.get("id");
    }


    private boolean templatesVisibleTo(String token) {
        List<?> templates = http.get().uri("/api/v1/templates").header("Authorization", "Bearer " + token)
                .exchange().returnResult(List.class).getResponseBody().blockFirst(Duration.ofSeconds(10));
        return templates != null && templates.size() >= 3;
    }

    private List<VmSnapshot> vmsNamed(String id) {
        return proxmox.vms().stream().filter(vm -> ("vigil-" + id.toLowerCase()).equals(vm.name())).toList();
    }

}
