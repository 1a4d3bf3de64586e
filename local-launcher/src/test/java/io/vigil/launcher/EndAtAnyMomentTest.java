package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.ConnectionSnapshot;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import io.vigil.simulators.proxmox.VmSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sessions ended at any moment of their provisioning, hibernation or resume, against a cluster with latency and
 * injected faults (lock timeouts inside tasks, failed tasks, 5xx, warnings): whatever the moment, nothing may be
 * left behind (no VM, no connection) and no session may be stuck. What teardown gave up on is the reconciler's,
 * but only that: every VM and connection left once the sessions are over, and every one the reconciler removes,
 * must be one a session recorded as abandoned, so a teardown that leaks silently fails the test.
 */
class EndAtAnyMomentTest extends LocalRunTest {
    static final Faults TEN_PERCENT = Faults.NONE.withHttp5xx(0.03).withLockTimeout(0.03).withTaskFailure(0.04)
            .withTaskWarnings(0.05);
    static final Latencies SLOW_ENOUGH = Latencies.NONE.withLinkedClone(Duration.ofMillis(400))
            .withStart(Duration.ofMillis(200)).withBoot(Duration.ofMillis(800)).withStop(Duration.ofMillis(100))
            .withDelete(Duration.ofMillis(100)).withSuspend(Duration.ofMillis(300)).withResume(Duration.ofMillis(300));
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults()
            .withApiToken(Simulated.PROXMOX_TOKEN).withLockWait(Duration.ofMillis(500)).withSeed(7));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.provisioning.quota-per-user", () -> "100");
        registry.add("vigil.provisioning.poll-max", () -> "200ms");
        registry.add("vigil.reconcile.interval", () -> "1h");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }


    @BeforeEach
    void setUp() {
        proxmox.setFaults(Faults.NONE);
        proxmox.setLatencies(Latencies.NONE);
    }

    @Test
    @SuppressWarnings("unchecked")
    void fifty_sessions_ended_at_random_moments_of_provisioning_leave_no_vm_no_connection_and_no_stuck_session() {
        proxmox.setLatencies(SLOW_ENOUGH);
        proxmox.setFaults(TEN_PERCENT);
        Random random = new Random(42);
        List<String> ids = new ArrayList<>();
        Map<String, Integer> endAnswers = new ConcurrentHashMap<>();
        ScheduledExecutorService enders = Executors.newScheduledThreadPool(8);
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 50; i++) {
                String token = token("torture-" + (i % 10), Role.ENGINEER);
                String id = request(token);
                ids.add(id);
                // somewhere between "just asked" and "just became active" (~1.5 s at these latencies)
                enders.schedule(() -> endAnswers.put(id, end(token, id)), random.nextInt(2_000), TimeUnit.MILLISECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> endAnswers.size() == ids.size());
        } finally {
            enders.shutdownNow();
        }
        assertThat(endAnswers.values()).allMatch(status -> status == 202 || status == 409);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM admission_session WHERE state <> 'GONE'", Integer.class) == 0);
        long quiet = System.nanoTime();
        // every session is over: what the cluster still has, teardown must have handed to the reconciler on record
        List<Integer> vmsLeft = proxmox.vms().stream().filter(vm -> vm.name() == null || vm.name().startsWith("vigil-"))
                .map(VmSnapshot::vmid).toList();
        List<String> connectionsLeft = guacamole.connections().stream().map(ConnectionSnapshot::name).toList();
        // the session view is a tracking projection: it shows the last SessionEnded a moment after the ledger
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*) FROM session_view"
                + " WHERE user_id LIKE 'torture-%' AND status NOT IN ('ended', 'failed', 'expired')", Integer.class) == 0);
        List<String> statuses = jdbc.queryForList("SELECT status FROM session_view WHERE user_id LIKE 'torture-%'", String.class);
        // What teardown gave up on is the reconciler's: it runs until the cluster is clean (a VM made in the last
        // few seconds shows in the cluster listing without a name until the nodes' next statistics pass).
        List<Map<String, Object>> findings = new ArrayList<>();
        String admin = token("root", Role.ADMIN);
        proxmox.setFaults(Faults.NONE);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                if (!clean()) {
                    Map<String, Object> report = http.post().uri("/api/v1/admin/reconcile").header("Authorization", "Bearer " + admin)
                            .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
                    ((List<?>) report.get("findings")).forEach(f -> findings.add((Map<String, Object>) f));
                }
                return clean();
            });
        } catch (org.awaitility.core.ConditionTimeoutException stillDirty) {
            // the assertions below say what is left
        }
        Set<String> sessions = Set.copyOf(ids);
        Set<Integer> abandonedVms = Set.copyOf(recorded("io.vigil.core.session.VmAbandoned", "vmid", sessions)
                .stream().map(Integer::valueOf).toList());
        Set<String> abandonedConnections = Set.copyOf(recorded("io.vigil.core.session.ConnectionAbandoned", "name", sessions));
        // every removal of every run is an event, whoever asked for the run
        List<Integer> vmsRemoved = recorded("io.vigil.core.reconcile.OrphanVmRemoved", "vmid", null).stream()
                .map(Integer::valueOf).toList();
        List<String> connectionsRemoved = recorded("io.vigil.core.reconcile.OrphanConnectionRemoved", "name", null);

        assertThat(vigilVms()).as("VMs left behind").isEmpty();
        assertThat(proxmox.vms()).as("unnamed clones left behind").noneMatch(vm -> vm.name() == null);
        assertThat(guacamole.connections()).as("connections left behind").isEmpty();
        assertThat(statuses).hasSize(50).allMatch(s -> s.equals("ended") || s.equals("failed"));
        assertThat(vmsLeft).as("VMs left once every session was over that no teardown recorded as abandoned (leaked)")
                .isSubsetOf(abandonedVms);
        assertThat(connectionsLeft).as("connections left once every session was over that no teardown recorded as"
                + " abandoned (leaked)").isSubsetOf(abandonedConnections);
        assertThat(vmsRemoved).as("VMs the reconciler removed, by VMID, against those sessions abandoned: " + findings)
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(abandonedVms);
        assertThat(connectionsRemoved).as("connections the reconciler removed, by name, against those sessions"
                + " abandoned: " + findings).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(abandonedConnections);
        System.out.printf("end-at-any-moment: 50 sessions, %d ended, %d failed, %d VM tasks, %d VMs and %d connections"
                        + " abandoned to the reconciler, %d reconciler findings (%d VMs, %d connections removed),"
                        + " quiet after %.1f s%n",
                statuses.stream().filter("ended"::equals).count(), statuses.stream().filter("failed"::equals).count(),
                proxmox.tasks().size(), abandonedVms.size(), abandonedConnections.size(), findings.size(),
                vmsRemoved.size(), connectionsRemoved.size(), (quiet - started) / 1e9);
    }

    @Test
    void ending_while_suspending_or_resuming_leaves_no_vm_and_no_connection() {
        proxmox.setLatencies(Latencies.NONE.withSuspend(Duration.ofSeconds(1)).withResume(Duration.ofSeconds(1)));
        String ulla = token("ulla", Role.ENGINEER);
        String suspending = active(ulla);
        hibernate(ulla, suspending);
        await().atMost(Duration.ofSeconds(10)).until(() -> "suspending".equals(status(ulla, suspending)));
        assertThat(end(ulla, suspending)).isEqualTo(202);

        String resuming = active(ulla);
        hibernate(ulla, resuming);
        await().atMost(Duration.ofSeconds(10)).until(() -> "hibernating".equals(status(ulla, resuming)));
        http.post().uri("/api/v1/sessions/" + resuming + "/resume").header("Authorization", "Bearer " + ulla)
                .exchange().expectStatus().isAccepted();
        await().atMost(Duration.ofSeconds(10)).until(() -> "resuming".equals(status(ulla, resuming)));
        assertThat(end(ulla, resuming)).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> "ended".equals(status(ulla, suspending))
                && "ended".equals(status(ulla, resuming)));
        assertThat(vigilVms()).isEmpty();
        assertThat(guacamole.connections()).isEmpty();
    }

    /**
     * One field of every stored event of a type, as text; only the events of {@code aggregates} when given (the
     * events are JSON, each in its aggregate's stream).
     */
    private List<String> recorded(String payloadType, String field, Set<String> aggregates) {
        return jdbc.query("SELECT aggregateidentifier, convert_from(payload, 'UTF8')::jsonb ->> ? FROM domainevententry"
                        + " WHERE payloadtype = ? ORDER BY globalindex", (rs, n) -> new String[] {rs.getString(1), rs.getString(2)},
                field, payloadType).stream()
                .filter(row -> aggregates == null || aggregates.contains(row[0])).map(row -> row[1]).toList();
    }

    private boolean clean() {
        return vigilVms().isEmpty() && guacamole.connections().isEmpty()
                && proxmox.vms().stream().noneMatch(vm -> vm.name() == null);
    }

    private List<VmSnapshot> vigilVms() {
        return proxmox.vms().stream().filter(vm -> vm.name() != null && vm.name().startsWith("vigil-")).toList();
    }

    private String active(String token) {
        String id = request(token);
        await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(status(token, id)));
        return id;
    }

    private void hibernate(String token, String id) {
        http.post().uri("/api/v1/sessions/" + id + "/hibernate").header("Authorization", "Bearer " + token)
                .exchange().expectStatus().isAccepted();
    }

    private String request(String token) {
        Map<String, Object> body = http.post().uri("/api/v1/sessions").header("Authorization", "Bearer " + token)
                .bodyValue(Map.of("template_id", "ubuntu-22-04", "duration_minutes", 60, "session_type", "ephemeral"))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        return (String) body.get("id");
    }

    /** Ends the session; answers the HTTP status (409 when it had already failed). */
    private int end(String token, String id) {
        return http.delete().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + token)
                .exchange().returnResult(String.class).getStatus().value();
    }

    private String status(String token, String id) {
        Map<String, Object> view = http.get().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + token)
                .exchange().returnResult(JSON).getResponseBody().blockFirst(Duration.ofSeconds(10));
        return view == null ? null : (String) view.get("status");
    }

}
