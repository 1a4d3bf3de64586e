package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.core.session.SessionId;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.TemplateSpec;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What keeps a real cluster tidy and a session honest: the reconciler (orphan VMs and connections, sessions whose
 * VM vanished outside Vigil), templates that can only be cloned where they live, and admission that decides from
 * cached figures without asking Proxmox.
 */
class ClusterHygieneTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults()
            .withApiToken(Simulated.PROXMOX_TOKEN)
            .withTemplate(new TemplateSpec(9005, "local-template", 2048, "pve-4", "local-lvm")));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.provisioning.quota-per-user", () -> "10");
        registry.add("vigil.reconcile.interval", () -> "1h");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    @Autowired
    ProxmoxClient proxmoxClient;
    @Autowired
    GuacamoleClient guacamoleClient;
    String admin;

    @BeforeEach
    void setUp() {
        proxmox.setFaults(Faults.NONE);
        admin = token("root", Role.ADMIN);
    }

    @Test
    void the_reconciler_removes_vms_and_connections_no_session_holds_and_leaves_everything_else_alone() {
        String vera = token("vera", Role.ENGINEER);
        String live = activeSession(vera, "ubuntu-22-04");
        String orphanName = SessionId.generate().vmName();
        proxmox.setStatsInterval(Duration.ofMinutes(5)); // a statistics pass now, the next one not during this test
        String orphanTask = proxmoxClient.clone("pve-1", 9001, 77001, orphanName, "left by a crash", "pve-3").block();
        await().until(() -> proxmoxClient.taskStatus(orphanTask).block().finished());
        proxmoxClient.start("pve-3", 77001).block();
        // the cluster listing names a new VM only after the nodes' next statistics pass: left for the next run
        assertThat(findings(reconcile())).extracting(f -> f.get("name")).doesNotContain(orphanName);
        proxmox.setStatsInterval(Duration.ofSeconds(10)); // the pass comes
        String orphanConnectionName = SessionId.generate().vmName();
        String orphanConnection = guacamoleClient.createConnection(orphanConnectionName, "ssh", "10.9.9.9", 22).block();
        proxmoxClient.clone("pve-1", 9000, 77002, "someone-elses-vm", "not Vigil's", null).block();

        Map<String, Object> report = reconcile();

        assertThat(report).containsEntry("trigger", "admin:root").containsEntry("errors", List.of());
        List<Map<String, Object>> findings = findings(report);
        assertThat(findings).extracting(f -> f.get("name") + "/" + f.get("outcome"))
                .containsExactlyInAnyOrder(orphanName + "/removed", orphanConnectionName + "/removed");
        assertThat(proxmox.vms()).noneMatch(vm -> vm.vmid() == 77001).anyMatch(vm -> vm.vmid() == 77002);
        assertThat(guacamole.connections()).noneMatch(c -> c.identifier().equals(orphanConnection))
                .anyMatch(c -> c.name().equals(new SessionId(live).vmName()));
        assertThat(status(vera, live)).isEqualTo("active");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%OrphanVmRemoved'"
                + " AND convert_from(payload, 'UTF8') LIKE ?", Integer.class, "%" + orphanName + "%")).isEqualTo(1);
        http.post().uri("/api/v1/admin/reconcile").header("Authorization", "Bearer " + vera).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void a_session_whose_vm_was_deleted_outside_vigil_is_ended_with_a_reason_and_its_connection_removed() {
        String walt = token("walt", Role.ENGINEER);
        String id = activeSession(walt, "ubuntu-22-04");
        int vmid = proxmox.vms().stream().filter(vm -> new SessionId(id).vmName().equals(vm.name())).findFirst()
                .orElseThrow().vmid();
        proxmox.removeVm(vmid);

        Map<String, Object> report = reconcile();

        assertThat(findings(report)).extracting(f -> f.get("kind") + "/" + f.get("outcome"))
                .contains("lost_session/session_ended");
        Map<String, Object> view = await().atMost(Duration.ofSeconds(20)).until(() -> session(walt, id),
                s -> "ended".equals(s.get("status")));
        assertThat(view).containsEntry("failure_code", "vm_lost")
                .containsEntry("failure_reason", "The VM was removed outside Vigil.");
        await().atMost(Duration.ofSeconds(20)).until(() -> guacamole.connections().stream()
                .noneMatch(c -> c.name().equals(new SessionId(id).vmName())));
    }

    /**
     * Guacamole refuses to remove a session's connection through teardown's retries: the session ends all the same
     * (its VM removed), the give-up is on record with an alert for admins, and the next reconciliation removes the
     * connection, which the session no longer holds.
     */
    @Test
    void a_connection_teardown_could_not_remove_is_on_record_with_an_alert_and_the_reconciler_removes_it() {
        String ursula = token("ursula", Role.ENGINEER);
        String id = activeSession(ursula, "ubuntu-22-04");
        String name = new SessionId(id).vmName();
        guacamole.refuseConnectionDeletes(true);
        try {
            http.delete().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + ursula)
                    .exchange().expectStatus().isAccepted();
            await().atMost(Duration.ofSeconds(20)).until(() -> "ended".equals(status(ursula, id)));
        } finally {
            guacamole.refuseConnectionDeletes(false);
        }
        assertThat(proxmox.vms()).noneMatch(vm -> name.equals(vm.name()));
        assertThat(guacamole.connections()).anyMatch(c -> c.name().equals(name));
        assertThat(jdbc.queryForObject("SELECT convert_from(payload, 'UTF8')::jsonb ->> 'name' FROM domainevententry"
                + " WHERE aggregateidentifier = ? AND payloadtype = 'io.vigil.core.session.ConnectionAbandoned'",
                String.class, id)).isEqualTo(name);
        List<Map<String, Object>> alerts = await().atMost(Duration.ofSeconds(20)).until(() -> http.get()
                        .uri("/api/v1/admin/alerts?session_id=" + id).header("Authorization", "Bearer " + admin)
                        .exchange().expectBody(JSON_LIST).returnResult().getResponseBody(),
                all -> all != null && !all.isEmpty());
        assertThat(alerts).extracting(a -> (String) a.get("message"))
                .anyMatch(m -> m.contains("gave up on its Guacamole connection") && m.contains(name));

        assertThat(findings(reconcile())).extracting(f -> f.get("kind") + "/" + f.get("name") + "/" + f.get("outcome"))
                .contains("connection/" + name + "/removed");
        assertThat(guacamole.connections()).noneMatch(c -> c.name().equals(name));
    }

    @Test
    void a_template_on_local_storage_is_found_on_its_node_and_its_sessions_run_only_there() {
        http.post().uri("/api/v1/admin/templates").header("Authorization", "Bearer " + admin)
                .bodyValue(Map.of("name", "Local Debian", "os_type", "linux", "protocol", "ssh", "proxmox_vmid", 9005))
                .exchange().expectStatus().isCreated();
        Map<String, Object> placement = await().atMost(Duration.ofSeconds(20)).until(() -> adminTemplate("local-debian"),
                t -> t != null && t.get("placement") instanceof Map<?, ?> p && "pve-4".equals(p.get("located_node")));
        @SuppressWarnings("unchecked")
        Map<String, Object> where = (Map<String, Object>) placement.get("placement");
        assertThat(where).containsEntry("shared_storage", false).containsEntry("storages", List.of("local-lvm"));

        String xena = token("xena", Role.ENGINEER);
        for (int i = 0; i < 3; i++) {
            String id = activeSession(xena, "local-debian");
            assertThat(session(xena, id)).containsEntry("node_name", "pve-4");
        }
        assertThat(proxmox.tasks()).filteredOn(t -> t.type().equals("qmclone") && t.vmid().equals("9005"))
                .hasSize(3).allMatch(t -> t.node().equals("pve-4"));
    }

    @Test
    void a_template_the_cluster_does_not_have_is_refused_with_a_clear_reason_and_nothing_recorded() {
        http.post().uri("/api/v1/admin/templates").header("Authorization", "Bearer " + admin)
                .bodyValue(Map.of("name", "Phantom", "os_type", "linux", "protocol", "ssh", "proxmox_vmid", 9999))
                .exchange().expectStatus().isCreated();
        await().atMost(Duration.ofSeconds(20)).until(() -> adminTemplate("phantom"),
                t -> t != null && t.get("placement") instanceof Map<?, ?> p && p.get("problem") != null);
        Integer before = jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%SessionRequested'", Integer.class);

        http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token("yves", Role.ENGINEER))
                .bodyValue(Map.of("template_id", "phantom", "duration_minutes", 60))
                .exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error.code").isEqualTo("template_not_located");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%SessionRequested'",
                Integer.class)).isEqualTo(before);
    }

    @Test
    void admission_decides_from_cached_node_figures_while_proxmox_does_not_answer() {
        proxmox.setFaults(Faults.NONE.withUnreachable595(1.0));
        long start = System.nanoTime();

        String id = request(token("zoe", Role.ENGINEER), "ubuntu-22-04");

        assertThat((System.nanoTime() - start) / 1_000_000).as("ms for the 202").isLessThan(2_000);
        assertThat(id).isNotNull();
        proxmox.setFaults(Faults.NONE);
    }

    private Map<String, Object> reconcile() {
        return http.post().uri("/api/v1/admin/reconcile").header("Authorization", "Bearer " + admin)
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> findings(Map<String, Object> report) {
        return (List<Map<String, Object>>) report.get("findings");
    }

    private Map<String, Object> adminTemplate(String id) {
        List<Map<String, Object>> all = http.get().uri("/api/v1/templates").header("Authorization", "Bearer " + admin)
                .exchange().expectBody(JSON_LIST).returnResult().getResponseBody();
        return all == null ? null : all.stream().filter(t -> id.equals(t.get("id"))).findFirst().orElse(null);
    }

    private String activeSession(String token, String template) {
        String id = request(token, template);
        await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(status(token, id)));
        return id;
    }

    private String request(String token, String template) {
        Map<String, Object> body = http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token)
                .bodyValue(Map.of("template_id", template, "duration_minutes", 60, "session_type", "ephemeral"))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        return (String) body.get("id");
    }


    private String status(String token, String id) {
        Map<String, Object> view = session(token, id);
        return view == null ? null : (String) view.get("status");
    }

}
