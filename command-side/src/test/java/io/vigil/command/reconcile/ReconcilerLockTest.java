package io.vigil.command.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.command.KeptVmProperties;
import io.vigil.command.ProvisioningProperties;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.command.proxmox.ProxmoxProperties;
import io.vigil.command.session.VmOperations;
import io.vigil.core.DomainException;
import io.vigil.core.Rejection;
import io.vigil.core.UserId;
import io.vigil.core.reconcile.Finding;
import io.vigil.core.reconcile.RecordOrphanRemoved;
import io.vigil.core.reconcile.RecordReconciliation;
import io.vigil.core.reconcile.ReconciliationReport;
import io.vigil.core.session.SessionId;
import io.vigil.core.template.Protocol;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Two instances of the command side (each its own connection pool, one database) asked to reconcile at the same
 * moment: one run does the work, the other is refused while it lasts, and the lock is free again afterwards.
 */
class ReconcilerLockTest {
    private static final UserId ROOT = new UserId("root");
    private final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withStatsInterval(Duration.ZERO));
    private final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    private final String database = ReconcilerFixture.migratedDatabase();
    private final HikariDataSource poolA = ReconcilerFixture.pool(database);
    private final HikariDataSource poolB = ReconcilerFixture.pool(database);
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final List<Object> sent = Collections.synchronizedList(new ArrayList<>());
    private VmOperations vms;
    private GuacamoleClient guacamoleClient;

    @BeforeEach
    void setUp() {
        ProxmoxClient client = new ProxmoxClient(new ProxmoxProperties(proxmox.baseUrl(), "root@pam!vigil", "x",
                Duration.ofSeconds(5), false), WebClient.builder());
        guacamoleClient = ReconcilerFixture.guacamole(guacamole.baseUrl());
        vms = new VmOperations(client, guacamoleClient, new ProvisioningProperties(2, List.of(Duration.ofSeconds(1)),
                Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(1),
                proxmox.guestPort(), true), new KeptVmProperties(Duration.ofDays(14), 2, Duration.ofSeconds(60)),
                new JdbcTemplate(poolA));
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        poolA.close();
        poolB.close();
        proxmox.close();
        guacamole.close();
    }

    @Test
    void of_two_runs_started_at_once_on_two_instances_exactly_one_does_the_work() throws Exception {
        int vmid = vms.nextVmId();
        String orphan = SessionId.generate().vmName();
        String clone = vms.cloneOrFindOurs("pve-1", 9001, vmid, orphan, "left by a crash", "pve-2");
        Awaitility.await().until(() -> vms.task(clone).finished());
        String orphanConnection = SessionId.generate().vmName();
        vms.connect(orphanConnection, Protocol.SSH, "10.9.9.9", 22);

        // The run that gets the lock is held at its last command until the other has answered: the two overlap
        // however the threads are scheduled. Were both to run, each would go on after 10 s and both report.
        CountDownLatch otherAnswered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        var commands = ReconcilerFixture.recording(sent, command -> {
            if (command instanceof RecordReconciliation) {
                await(otherAnswered);
            }
        });
        Reconciler instanceA = ReconcilerFixture.reconciler(poolA, vms, guacamoleClient, commands);
        Reconciler instanceB = ReconcilerFixture.reconciler(poolB, vms, guacamoleClient, commands);
        CompletableFuture<ReconciliationReport> a = CompletableFuture.supplyAsync(() -> runAfter(gate, instanceA), threads);
        CompletableFuture<ReconciliationReport> b = CompletableFuture.supplyAsync(() -> runAfter(gate, instanceB), threads);
        a.whenComplete((report, failure) -> otherAnswered.countDown());
        b.whenComplete((report, failure) -> otherAnswered.countDown());
        gate.countDown();

        List<Optional<ReconciliationReport>> outcomes = List.of(outcome(a), outcome(b));
        assertThat(outcomes).filteredOn(Optional::isPresent).hasSize(1);
        assertThat(outcomes).filteredOn(Optional::isEmpty).as("refused with 409 reconcile_running").hasSize(1);
        ReconciliationReport report = outcomes.stream().flatMap(Optional::stream).findFirst().orElseThrow();
        assertThat(report.findings()).extracting(f -> f.name() + "/" + f.outcome())
                .containsExactlyInAnyOrder(orphan + "/" + Finding.REMOVED, orphanConnection + "/" + Finding.REMOVED);
        assertThat(sent).filteredOn(RecordOrphanRemoved.class::isInstance).hasSize(2);
        assertThat(sent).filteredOn(RecordReconciliation.class::isInstance).hasSize(1);
        assertThat(proxmox.tasks()).filteredOn(t -> t.type().equals("qmdestroy") && t.vmid().equals(String.valueOf(vmid)))
                .hasSize(1);

        // the lock went back with the winner's connection to its pool: both instances run again, one after the other
        otherAnswered.countDown();
        assertThat(instanceA.runIfFree("admin:root", ROOT)).isPresent();
        assertThat(instanceB.runIfFree("admin:root", ROOT)).isPresent();
    }

    @Test
    void a_run_is_refused_while_another_instance_holds_the_lock_and_the_scheduled_one_is_skipped() throws Exception {
        Reconciler instance = ReconcilerFixture.reconciler(poolA, vms, guacamoleClient,
                ReconcilerFixture.recording(sent, command -> { }));
        try (var other = poolB.getConnection()) {
            other.createStatement().execute("SELECT pg_advisory_lock(" + Reconciler.RECONCILE_LOCK + ")");
            assertThat(instance.runIfFree("scheduled", UserId.SYSTEM)).isEmpty();
            assertThatThrownBy(() -> instance.run("admin:root", ROOT)).isInstanceOfSatisfying(DomainException.class,
                    refused -> assertThat(refused.code()).isEqualTo("reconcile_running"));
            other.createStatement().execute("SELECT pg_advisory_unlock(" + Reconciler.RECONCILE_LOCK + ")");
        }
        assertThat(sent).isEmpty();
        assertThat(instance.run("admin:root", ROOT).errors()).isEmpty();
    }

    private static ReconciliationReport runAfter(CountDownLatch gate, Reconciler instance) {
        await(gate);
        return instance.run("admin:root", ROOT);
    }

    /** The run's report, or empty when it was refused as already running (anything else fails the test). */
    private static Optional<ReconciliationReport> outcome(CompletableFuture<ReconciliationReport> run) throws Exception {
        try {
            return Optional.of(run.get(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(DomainException.class, refused -> {
                assertThat(refused.code()).isEqualTo("reconcile_running");
                assertThat(refused.rejection()).isEqualTo(Rejection.CONFLICT);
            });
            return Optional.empty();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
