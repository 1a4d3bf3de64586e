package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.session.SessionId;
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
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Persistent sessions: the VM outlives the session, stopped and named for its owner, is listed for them alone,
 * starts a later session without a clone, and is deleted by its owner; a user keeps at most two.
 */
class KeptVmLifecycleTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.provisioning.quota-per-user", () -> "5");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }


    @Test
    void a_persistent_sessions_vm_is_kept_reused_without_a_clone_and_deleted_by_its_owner() {
        String erin = token("erin", Role.ENGINEER);
        String first = activeSession(erin, Map.of("template_id", "ubuntu-22-04", "duration_minutes", 60,
                "session_type", "persistent"));
        int vmid = vmOf(first).vmid();
        end(erin, first);

        Map<String, Object> kept = await().atMost(Duration.ofSeconds(20)).until(() -> keptVms(erin), l -> l.size() == 1).get(0);
        String keptId = (String) kept.get("id");
        assertThat(keptId).startsWith("vigil-keep-erin-");
        assertThat(kept).containsEntry("status", "kept").doesNotContainKey("vmid");
        assertThat(session(erin, first)).containsEntry("status", "ended").containsEntry("kept_vm", keptId);
        VmSnapshot stopped = vm(vmid);
        assertThat(stopped.name()).isEqualTo(keptId);
        assertThat(stopped.running()).isFalse();
        assertThat(keptVms(token("fred", Role.ENGINEER))).isEmpty();

        long clones = clones();
        String second = activeSession(erin, Map.of("from_vm", keptId, "duration_minutes", 30));
        assertThat(clones()).as("no clone for a kept VM").isEqualTo(clones);
        assertThat(vm(vmid).name()).isEqualTo(new SessionId(second).vmName());
        assertThat(keptVms(erin)).singleElement().satisfies(v -> assertThat(v).containsEntry("status", "in_use")
                .containsEntry("session_id", second));
        http.delete().uri("/api/v1/vms/" + keptId).header("Authorization", "Bearer " + erin).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.error.code").isEqualTo("vm_in_use");

        end(erin, second);
        await().atMost(Duration.ofSeconds(20)).until(() -> keptVms(erin), l -> l.size() == 1 && "kept".equals(l.get(0).get("status")));
        assertThat(vm(vmid).name()).isEqualTo(keptId);

        http.delete().uri("/api/v1/vms/" + keptId).header("Authorization", "Bearer " + token("fred", Role.ENGINEER)).exchange()
                .expectStatus().isNotFound();
        http.delete().uri("/api/v1/vms/" + keptId).header("Authorization", "Bearer " + erin).exchange()
                .expectStatus().isAccepted();
        await().atMost(Duration.ofSeconds(20)).until(() -> keptVms(erin).isEmpty()
                && proxmox.vms().stream().noneMatch(vm -> vm.vmid() == vmid));
    }

    @Test
    void a_user_keeps_at_most_two_vms_and_nobody_else_can_start_from_them() {
        String gail = token("gail", Role.ENGINEER);
        for (int i = 0; i < 2; i++) {
            end(gail, activeSession(gail, Map.of("template_id", "kali", "duration_minutes", 60, "session_type", "persistent")));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> keptVms(gail).size() == 2);

        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + gail)
                .bodyValue(Map.of("template_id", "kali", "duration_minutes", 60, "session_type", "persistent"))
                .exchange().expectStatus().isEqualTo(409).expectBody().jsonPath("$.error.code").isEqualTo("kept_vm_limit");
        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + gail)
                .bodyValue(Map.of("template_id", "kali", "duration_minutes", 60, "session_type", "ephemeral"))
                .exchange().expectStatus().isAccepted();
        String someoneElses = (String) keptVms(gail).get(0).get("id");
        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token("hugo", Role.ENGINEER))
                .bodyValue(Map.of("from_vm", someoneElses, "duration_minutes", 60))
                .exchange().expectStatus().isNotFound().expectBody().jsonPath("$.error.code").isEqualTo("vm_not_found");
    }

    @Test
    void a_vm_still_being_kept_counts_toward_the_limit() {
        String ida = token("ida", Role.ENGINEER);
        Map<String, Object> persistent = Map.of("template_id", "kali", "duration_minutes", 60, "session_type", "persistent");
        List<String> sessions = List.of(activeSession(ida, persistent), activeSession(ida, persistent));
        // the guests take their time to shut down: the VMs are being kept, not yet recorded as kept
        proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withStop(Duration.ofSeconds(5)));
        try {
            sessions.forEach(id -> http.delete().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + ida)
                    .exchange().expectStatus().isAccepted());
            http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + ida).bodyValue(persistent)
                    .exchange().expectStatus().isEqualTo(409).expectBody().jsonPath("$.error.code").isEqualTo("kept_vm_limit");
            assertThat(keptVms(ida)).isEmpty();
        } finally {
            proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> keptVms(ida).size() == 2);
    }

    private long clones() {
        return proxmox.tasks().stream().filter(t -> t.type().equals("qmclone")).count();
    }

    private VmSnapshot vmOf(String sessionId) {
        return proxmox.vms().stream().filter(vm -> new SessionId(sessionId).vmName().equals(vm.name())).findFirst().orElseThrow();
    }

    private VmSnapshot vm(int vmid) {
        return proxmox.vms().stream().filter(vm -> vm.vmid() == vmid).findFirst().orElseThrow();
    }

    private List<Map<String, Object>> keptVms(String token) {
        return http.get().uri("/api/v1/vms").header("Authorization", "Bearer " + token)
                .exchange().expectStatus().isOk().expectBody(JSON_LIST).returnResult().getResponseBody();
    }

    private String activeSession(String token, Map<String, Object> body) {
        Map<String, Object> accepted = http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token)
                .bodyValue(body).exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        String id = (String) accepted.get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> session(token, id), s -> "active".equals(s.get("status")));
        return id;
    }

    private void end(String token, String id) {
        http.delete().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + token).exchange()
                .expectStatus().isAccepted();
        await().atMost(Duration.ofSeconds(20)).until(() -> session(token, id), s -> "ended".equals(s.get("status")));
    }


}
