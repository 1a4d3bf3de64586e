package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.VmSnapshot;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Idle detection, hibernation and resume through HTTP, against the simulators: a user connects, goes away, is
 * warned, the VM is suspended to disk; the user resumes it and connects again. Idle threshold and warning are
 * two seconds each here instead of ten and five minutes.
 */
class HibernationLifecycleTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.provisioning.quota-per-user", () -> "1");
        registry.add("vigil.hibernation.idle-threshold", () -> "2s");
        registry.add("vigil.hibernation.warning", () -> "2s");
        registry.add("vigil.hibernation.activity-poll-interval", () -> "200ms");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }


    @Test
    void an_open_connection_keeps_a_session_active_and_closing_it_leads_to_warning_then_hibernation_then_resume() {
        String alice = token("alice");
        String id = requestActive(alice);
        Map<String, Object> active = session(alice, id);
        String firstUrl = (String) active.get("guacamole_url");
        String tab = guacamole.openClient(firstUrl, "alice");

        // connected: nothing happens for well over threshold + warning
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> session(alice, id), s -> "active".equals(s.get("status")) && s.get("hibernates_at") == null);

        // the user closes the tab: the live stream shows the warning, then the hibernation
        var stream = http.get().uri("/api/v1/sessions/" + id + "/events").header("Authorization", "Bearer " + alice)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { }).getResponseBody()
                .map(ServerSentEvent::data)
                .takeUntil(view -> "hibernating".equals(view.get("status")))
                .collectList().toFuture();
        assertThat(guacamole.closeActive(tab)).isTrue();
        List<Map<String, Object>> seen = stream.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(seen).anySatisfy(view -> {
            assertThat(view.get("status")).isEqualTo("active");
            assertThat((String) view.get("notice")).contains("hibernating in");
            assertThat(view.get("hibernates_at")).isNotNull();
        });
        assertThat(seen).extracting(view -> view.get("status")).contains("suspending").last().isEqualTo("hibernating");
        Map<String, Object> hibernated = seen.get(seen.size() - 1);
        assertThat(hibernated.get("guacamole_url")).isNull();
        assertThat(((Number) hibernated.get("time_remaining_seconds")).longValue()).isPositive();
        assertThat(vm(id).lock()).isEqualTo("suspended");
        assertThat(vm(id).status()).isEqualTo("stopped");
        assertThat(guacamole.connections()).noneMatch(c -> c.name().equals("vigil-" + id.toLowerCase()));

        // two resume requests at once: one resume
        List<Map<String, Object>> answers = List.of(
                CompletableFuture.supplyAsync(() -> resume(alice, id, HttpStatus.ACCEPTED)),
                CompletableFuture.supplyAsync(() -> resume(alice, id, HttpStatus.ACCEPTED))).stream()
                .map(CompletableFuture::join).toList();
        assertThat(answers).extracting(a -> a.get("status")).containsOnly("resuming");
        Map<String, Object> resumed = await().atMost(Duration.ofSeconds(20))
                .until(() -> session(alice, id), s -> "active".equals(s.get("status")));
        assertThat(events(id, "ResumeStarted")).isEqualTo(1);
        assertThat(vm(id).status()).isEqualTo("running");
        String freshUrl = (String) resumed.get("guacamole_url");
        assertThat(freshUrl).contains("/#/client/").isNotEqualTo(firstUrl);
        // and the user connects again
        assertThat(guacamole.openClient(freshUrl, "alice")).isNotBlank();

        http.post().uri("/api/v1/sessions/" + id + "/resume").header("Authorization", "Bearer " + alice)
                .exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error.code").isEqualTo("session_not_hibernating");
    }

    @Test
    void a_hibernating_session_frees_its_quota_and_resuming_it_takes_quota_again() {
        String bob = token("bob");
        String first = requestActive(bob);
        await().atMost(Duration.ofSeconds(20)).until(() -> session(bob, first), s -> "hibernating".equals(s.get("status")));

        // quota is 1: the hibernating session does not count, so a second one is admitted...
        String second = request(bob).expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody().get("id").toString();
        // ...and while it runs, resuming the first would exceed the quota: refused, nothing recorded
        http.post().uri("/api/v1/sessions/" + first + "/resume").header("Authorization", "Bearer " + bob)
                .exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error.code").isEqualTo("quota_exceeded");
        assertThat(events(first, "ResumeStarted")).isZero();

        http.delete().uri("/api/v1/sessions/" + second).header("Authorization", "Bearer " + bob).exchange().expectStatus().isAccepted();
        resume(bob, first, HttpStatus.ACCEPTED);
        await().atMost(Duration.ofSeconds(20)).until(() -> session(bob, first), s -> "active".equals(s.get("status")));
    }

    @Test
    void opening_the_connection_during_the_warning_cancels_it() {
        String dave = token("dave");
        String id = requestActive(dave);
        String url = (String) session(dave, id).get("guacamole_url");
        await().atMost(Duration.ofSeconds(10)).until(() -> session(dave, id), s -> s.get("hibernates_at") != null);

        String tab = guacamole.openClient(url, "dave");
        await().atMost(Duration.ofSeconds(5)).until(() -> session(dave, id),
                s -> "active".equals(s.get("status")) && s.get("hibernates_at") == null && s.get("notice") == null);
        assertThat(events(id, "IdleWarningCancelled")).isEqualTo(1);
        assertThat(events(id, "HibernationStarted")).isZero();
        guacamole.closeActive(tab);
    }

    @Test
    void an_agent_heartbeat_cancels_the_warning_and_counts_only_for_its_own_session() {
        String carol = token("carol");
        String id = requestActive(carol);
        Map<String, Object> issued = http.post().uri("/api/v1/sessions/" + id + "/agent-token").header("Authorization", "Bearer " + carol)
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        String agent = (String) issued.get("token");
        assertThat(issued.get("heartbeat_url")).isEqualTo("/api/v1/sessions/" + id + "/activity");

        await().atMost(Duration.ofSeconds(10)).until(() -> session(carol, id), s -> s.get("hibernates_at") != null);
        http.post().uri("/api/v1/sessions/" + id + "/activity").header("Authorization", "Bearer " + agent)
                .bodyValue(Map.of("last_input_at", java.time.Instant.now().toString()))
                .exchange().expectStatus().isNoContent();
        assertThat(events(id, "IdleWarningCancelled")).isEqualTo(1);

        // a person's token is not an agent's; an agent speaks only for its own session
        http.post().uri("/api/v1/sessions/" + id + "/activity").header("Authorization", "Bearer " + carol)
                .exchange().expectStatus().isForbidden();
        http.post().uri("/api/v1/sessions/01JD0000000000000000000009/activity").header("Authorization", "Bearer " + agent)
                .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("wrong_session");
        http.post().uri("/api/v1/sessions/" + id + "/activity").header("Authorization", "Bearer " + agent)
                .bodyValue(Map.of("last_input_at", "2999-01-01T00:00:00Z"))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("invalid_last_input_at");
        http.post().uri("/api/v1/sessions/" + id + "/agent-token").header("Authorization", "Bearer " + token("mallory"))
                .exchange().expectStatus().isForbidden();
    }

    private String requestActive(String token) {
        String id = request(token).expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody().get("id").toString();
        await().atMost(Duration.ofSeconds(20)).until(() -> session(token, id), s -> "active".equals(s.get("status")));
        return id;
    }

    private WebTestClient.ResponseSpec request(String token) {
        return http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token)
                .bodyValue(Map.of("template_id", "ubuntu-22-04", "duration_minutes", 60, "session_type", "ephemeral"))
                .exchange();
    }

    private Map<String, Object> resume(String token, String id, HttpStatus expected) {
        return http.post().uri("/api/v1/sessions/" + id + "/resume").header("Authorization", "Bearer " + token)
                .exchange().expectStatus().isEqualTo(expected).expectBody(JSON).returnResult().getResponseBody();
    }


    private int events(String id, String type) {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE ?",
                Integer.class, id, "%." + type);
    }

    private VmSnapshot vm(String id) {
        return proxmox.vms().stream().filter(vm -> ("vigil-" + id.toLowerCase()).equals(vm.name())).findFirst().orElseThrow();
    }

    private String token(String user) {
        return token(user, Role.ENGINEER);
    }
}
