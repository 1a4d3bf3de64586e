package io.vigil.command.session;

import static io.vigil.command.session.ProvisioningSagaTest.capturing;
import static io.vigil.command.session.SagaHarness.NODE;
import static io.vigil.command.session.SagaHarness.TEMPLATE_NODE;
import static io.vigil.command.session.SagaHarness.UBUNTU;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.command.reconcile.ReconcilerFixture;
import io.vigil.core.UserId;
import io.vigil.core.reconcile.Finding;
import io.vigil.core.reconcile.ReconciliationReport;
import io.vigil.core.keptvm.KeepVm;
import io.vigil.core.keptvm.KeptVmId;
import io.vigil.core.keptvm.ReturnKeptVm;
import io.vigil.core.session.AbandonConnection;
import io.vigil.core.session.AbandonVm;
import io.vigil.core.session.RaiseAdminAlert;
import io.vigil.core.session.RecordVmDestroyed;
import io.vigil.core.session.RecordVmKept;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.TeardownStarted;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateId;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.test.matchers.Matchers;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Teardown against the Proxmox and Guacamole simulators over HTTP: from every state a VM can be found in. */
class TeardownSagaTest {
    static final SagaHarness harness = new SagaHarness();
    SagaTestFixture<TeardownSaga> fixture;
    SessionId id;
    final List<CommandMessage<?>> sent = new ArrayList<>();

    @BeforeEach
    void setUp() {
        harness.guacamole.refuseConnectionDeletes(false);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE);
        harness.proxmox.setLockWait(Duration.ofSeconds(10));
        fixture = harness.fixture(TeardownSaga.class);
        id = SessionId.generate();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private TeardownStarted teardown(Integer vmid, String connection, String pendingTask) {
        return new TeardownStarted(id, NODE, vmid, connection, pendingTask, false, null, new UserId("alice"),
                new TemplateId("ubuntu-22-04"), UBUNTU);
    }

    private TeardownStarted keep(int vmid, String keptVmId) {
        return new TeardownStarted(id, NODE, vmid, null, null, true, keptVmId, new UserId("alice.smith@lab.example"),
                new TemplateId("ubuntu-22-04"), UBUNTU);
    }

    private boolean gone(int vmid) {
        return harness.proxmox.vms().stream().noneMatch(vm -> vm.vmid() == vmid);
    }

    @Test
    void a_running_vm_is_stopped_then_destroyed_and_its_connection_removed() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(vm.vmid(), vm.connectionId(), null))
                .expectDispatchedCommands(new RecordVmDestroyed(id))
                .expectActiveSagas(0);
        assertThat(gone(vm.vmid())).isTrue();
        assertThat(harness.proxmox.tasks()).anyMatch(t -> t.type().equals("qmstop") && t.vmid().equals(String.valueOf(vm.vmid())));
        assertThat(harness.guacamole.connections()).noneMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_hibernated_vm_is_destroyed_as_it_is_without_being_started() {
        int vmid = harness.hibernatedVm(id);
        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(vmid, null, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(gone(vmid)).isTrue();
        assertThat(harness.proxmox.tasks()).noneMatch(t -> t.vmid().equals(String.valueOf(vmid))
                && (t.type().equals("qmstart") || t.type().equals("qmresume")) && t.running());
    }

    @Test
    void a_clone_handed_over_mid_task_is_waited_for_then_destroyed_once_it_has_its_name() {
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withLinkedClone(Duration.ofSeconds(1)));
        int vmid = harness.operations.nextVmId();
        String clone = harness.operations.cloneOrFindOurs(TEMPLATE_NODE.value(), 9001, vmid, id.vmName(), "x", NODE.value());

        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(vmid, null, clone))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofMillis(50), VmSaga.POLL);
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(clone).finished());
        fixture.whenTimeElapses(Duration.ofSeconds(1))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(gone(vmid)).isTrue();
    }

    @Test
    void a_clone_still_locked_is_waited_for_even_without_its_task_then_destroyed() {
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withLinkedClone(Duration.ofSeconds(1)));
        int vmid = harness.operations.nextVmId();
        String clone = harness.operations.cloneOrFindOurs(TEMPLATE_NODE.value(), 9001, vmid, id.vmName(), "x", NODE.value());

        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(vmid, null, null))
                .expectNoDispatchedCommands();
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(clone).finished());
        fixture.whenTimeElapses(Duration.ofSeconds(2))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(gone(vmid)).isTrue();
    }

    @Test
    void a_connection_made_by_a_saga_the_end_overtook_is_found_by_name_and_removed() {
        int vmid = harness.clonedVm(id.vmName());
        harness.operations.connect(id.vmName(), Protocol.SSH, "127.0.0.1", 22);
        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(vmid, null, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(harness.guacamole.connections()).noneMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_vmid_that_was_reserved_but_never_cloned_counts_as_removed() {
        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(999_001, null, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
    }

    @Test
    void a_vmid_lost_to_another_sessions_clone_is_never_destroyed() {
        SessionId winner = SessionId.generate();
        int vmid = harness.clonedVm(winner.vmName());
        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(vmid, null, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(harness.proxmox.vms()).anyMatch(vm -> vm.vmid() == vmid && winner.vmName().equals(vm.name()));
    }

    @Test
    void a_persistent_sessions_vm_is_shut_down_cleanly_renamed_for_its_owner_and_kept() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        fixture.givenNoPriorActivity()
                .whenPublishingA(keep(vm.vmid(), null))
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectActiveSagas(0);
        assertThat(sent).extracting(CommandMessage::getPayload).hasExactlyElementsOfTypes(KeepVm.class, RecordVmKept.class);
        KeepVm kept = (KeepVm) sent.get(0).getPayload();
        assertThat(kept.keptVmId().value()).matches("vigil-keep-alice-smith-lab-example-\\d+");
        assertThat(kept.node()).isEqualTo(NODE);
        assertThat(harness.proxmox.vms()).filteredOn(v -> v.vmid() == vm.vmid()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo(kept.keptVmId().value());
            assertThat(v.running()).isFalse();
            assertThat(v.lock()).isNull();
        });
        String ofVm = String.valueOf(vm.vmid());
        assertThat(harness.proxmox.tasks()).as("the owner's disk: ACPI shutdown, hard stop only after the timeout")
                .anyMatch(t -> t.type().equals("qmshutdown") && t.vmid().equals(ofVm))
                .noneMatch(t -> t.type().equals("qmstop") && t.vmid().equals(ofVm));
    }

    @Test
    void a_vm_that_cannot_be_kept_yet_is_never_handed_over_to_be_removed() throws Exception {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withHttp5xx(1.0));
        fixture.givenAPublished(keep(vm.vmid(), null))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(ProvisioningSagaTest.onlyCommand(RaiseAdminAlert.class))
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(60), VmSaga.RETRY);
        fixture.whenTimeElapses(Duration.ofSeconds(60))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofSeconds(60), VmSaga.RETRY);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture.whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectActiveSagas(0);
        assertThat(sent).extracting(CommandMessage::getPayload).hasExactlyElementsOfTypes(KeepVm.class, RecordVmKept.class);
        assertThat(harness.proxmox.vms()).anyMatch(v -> v.vmid() == vm.vmid() && v.name().startsWith("vigil-keep-alice"));
    }

    @Test
    void a_report_that_could_not_be_sent_is_sent_again_before_the_saga_ends() {
        int vmid = harness.clonedVm(id.vmName());
        AtomicBoolean refuse = new AtomicBoolean(true);
        fixture.setCallbackBehavior((command, metaData) -> {
            if (command instanceof RecordVmDestroyed && refuse.getAndSet(false)) {
                throw new IllegalStateException("the event store is unavailable");
            }
            return null;
        });
        fixture.givenNoPriorActivity()
                .whenPublishingA(teardown(vmid, null, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id))
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(60), VmSaga.RETRY);
        fixture.whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommands(new RecordVmDestroyed(id))
                .expectActiveSagas(0);
        assertThat(gone(vmid)).isTrue();
    }

    @Test
    void a_kept_vm_used_again_is_given_back_under_its_kept_name() {
        int vmid = harness.hibernatedVm(id);
        fixture.givenNoPriorActivity()
                .whenPublishingA(keep(vmid, "vigil-keep-alice-7"))
                .expectDispatchedCommandsMatching(capturing(sent));
        assertThat(sent.get(0).getPayload()).isInstanceOfSatisfying(ReturnKeptVm.class,
                r -> assertThat(r.keptVmId()).isEqualTo(new KeptVmId("vigil-keep-alice-7")));
        assertThat(sent.get(1).getPayload()).isEqualTo(new RecordVmKept(id, "vigil-keep-alice-7"));
        assertThat(harness.proxmox.vms()).filteredOn(v -> v.vmid() == vmid).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("vigil-keep-alice-7");
            assertThat(v.lock()).as("its saved RAM is discarded: a kept VM is stopped").isNull();
        });
    }

    @Test
    void a_kept_vm_lost_while_a_session_used_it_is_no_longer_kept() {
        TeardownStarted lost = new TeardownStarted(id, NODE, null, null, null, false, "vigil-keep-alice-9",
                new UserId("alice"), new TemplateId("ubuntu-22-04"), UBUNTU);
        fixture.givenNoPriorActivity()
                .whenPublishingA(lost)
                .expectDispatchedCommands(new io.vigil.core.keptvm.RecordKeptVmDeleted(new KeptVmId("vigil-keep-alice-9"),
                        "the VM is gone from the cluster"), new RecordVmDestroyed(id));
    }

    /**
     * Guacamole refuses to remove the connection through every retry: the give-up is on record (the session turns
     * it into {@code ConnectionAbandoned} and an admin alert) before teardown goes on and removes the VM; and the
     * reconciler, which leaves the connection alone while the session holds it, removes it once the session is over.
     */
    @Test
    void a_connection_guacamole_will_not_remove_is_handed_to_the_reconciler_on_record_and_the_vm_removed_all_the_same() throws Exception {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.guacamole.refuseConnectionDeletes(true);
        fixture.givenAPublished(teardown(vm.vmid(), vm.connectionId(), null))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectActiveSagas(0);
        assertThat(sent).extracting(CommandMessage::getPayload)
                .hasExactlyElementsOfTypes(AbandonConnection.class, RecordVmDestroyed.class);
        assertThat((AbandonConnection) sent.get(0).getPayload()).satisfies(abandoned -> {
            assertThat(abandoned.sessionId()).isEqualTo(id);
            assertThat(abandoned.connectionId()).isEqualTo(vm.connectionId());
            assertThat(abandoned.detail()).contains("500");
        });
        assertThat(gone(vm.vmid())).isTrue();
        assertThat(harness.guacamole.connections()).anyMatch(c -> c.identifier().equals(vm.connectionId()));

        harness.guacamole.refuseConnectionDeletes(false);
        JdbcTemplate ledger = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(),
                ReconcilerFixture.migratedDatabase(), "postgres", ""));
        ledger.update("INSERT INTO admission_session (session_id, user_id, node, ram_mb, state) VALUES (?, 'alice', ?, 4096, 'ENDING')",
                id.value(), SagaHarness.NODE.value());
        assertThat(connectionFindings(reconcile(ledger))).as("held while the session is not over").isEmpty();
        assertThat(harness.guacamole.connections()).anyMatch(c -> c.identifier().equals(vm.connectionId()));

        ledger.update("UPDATE admission_session SET state = 'GONE' WHERE session_id = ?", id.value());
        assertThat(connectionFindings(reconcile(ledger))).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo(id.vmName());
            assertThat(f.ref()).isEqualTo(vm.connectionId());
            assertThat(f.outcome()).isEqualTo(Finding.REMOVED);
        });
        assertThat(harness.guacamole.connections()).noneMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_connection_found_by_name_and_not_removed_is_reported_with_its_identifier() throws Exception {
        int vmid = harness.clonedVm(id.vmName());
        String connection = harness.operations.connect(id.vmName(), Protocol.SSH, "127.0.0.1", 22);
        harness.guacamole.refuseConnectionDeletes(true);
        fixture.givenAPublished(teardown(vmid, null, null))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(capturing(sent));
        assertThat(sent).extracting(CommandMessage::getPayload).first().isInstanceOfSatisfying(AbandonConnection.class,
                abandoned -> assertThat(abandoned.connectionId()).isEqualTo(connection));
    }

    @Test
    void a_give_up_that_could_not_be_recorded_is_sent_again_before_teardown_goes_on_to_the_vm() throws Exception {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.guacamole.refuseConnectionDeletes(true);
        AtomicBoolean refuse = new AtomicBoolean(true);
        fixture.setCallbackBehavior((command, metaData) -> {
            if (command instanceof AbandonConnection && refuse.getAndSet(false)) {
                throw new IllegalStateException("the event store is unavailable");
            }
            return null;
        });
        fixture.givenAPublished(teardown(vm.vmid(), vm.connectionId(), null))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(ProvisioningSagaTest.onlyCommand(AbandonConnection.class))
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(60), VmSaga.RETRY);
        assertThat(harness.proxmox.vms()).as("the VM waits for the report").anyMatch(v -> v.vmid() == vm.vmid());
        fixture.whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectActiveSagas(0);
        assertThat(sent).extracting(CommandMessage::getPayload)
                .hasExactlyElementsOfTypes(AbandonConnection.class, RecordVmDestroyed.class);
        assertThat(gone(vm.vmid())).isTrue();
    }

    /** One run of the reconciler against the simulators, reading what is held from {@code ledger}. */
    private static ReconciliationReport reconcile(JdbcTemplate ledger) {
        var reconciler = ReconcilerFixture.reconciler(ledger.getDataSource(), harness.operations,
                ReconcilerFixture.guacamole(harness.guacamole.baseUrl()), ReconcilerFixture.recording(new ArrayList<>(), c -> { }));
        return reconciler.run("admin:root", new UserId("root"));
    }

    /** What the run found of this session's connection (other tests' leftovers in the simulators aside). */
    private List<Finding> connectionFindings(ReconciliationReport report) {
        return report.findings().stream()
                .filter(f -> Finding.CONNECTION.equals(f.kind()) && id.vmName().equals(f.name())).toList();
    }

    @Test
    void a_proxmox_that_keeps_refusing_is_retried_then_the_vm_is_handed_to_the_reconciler() throws Exception {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withHttp5xx(1.0));
        fixture.givenAPublished(teardown(vm.vmid(), null, null))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(Matchers.exactSequenceOf(
                        Matchers.messageWithPayload(org.hamcrest.Matchers.instanceOf(AbandonVm.class)), Matchers.andNoMore()))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines();
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        assertThat(harness.proxmox.vms()).anyMatch(v -> v.vmid() == vm.vmid());
    }
}
