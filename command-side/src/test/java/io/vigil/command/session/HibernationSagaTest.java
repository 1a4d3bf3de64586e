package io.vigil.command.session;

import static io.vigil.command.session.ProvisioningSagaTest.capturing;
import static io.vigil.command.session.ProvisioningSagaTest.onlyCommand;
import static io.vigil.command.session.SagaHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.EndReason;
import io.vigil.core.session.FailHibernation;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.HandOverTeardown;
import io.vigil.core.session.RecordVmLost;
import io.vigil.core.session.HibernationReason;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.RecordVmHibernated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionId;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import java.time.Duration;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hibernation saga against the Proxmox and Guacamole simulators over HTTP. */
class HibernationSagaTest {
    static final SagaHarness harness = new SagaHarness();
    SagaTestFixture<HibernationSaga> fixture;
    SessionId id;
    final java.util.List<org.axonframework.commandhandling.CommandMessage<?>> sent = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE);
        fixture = harness.fixture(HibernationSaga.class);
        id = SessionId.generate();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private HibernationStarted started(SagaHarness.RunningVm vm) {
        return new HibernationStarted(id, HibernationReason.IDLE, NODE, vm.vmid(), vm.connectionId(), null);
    }

    @Test
    void hibernation_suspends_the_vm_to_disk_then_removes_its_connection_and_records_it() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vm))
                .expectActiveSagas(1)
                .expectDispatchedCommands(new RecordVmHibernated(id));
        assertThat(harness.status(vm.vmid()).hibernated()).isTrue();
        assertThat(harness.status(vm.vmid()).running()).isFalse();
        assertThat(harness.guacamole.connections()).noneMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_vm_an_admin_migrated_is_followed_to_its_new_node_and_suspended_there() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.migrate(vm.vmid(), NODE.value(), "pve-5");
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vm))
                .expectDispatchedCommands(new RecordVmHibernated(id));
        assertThat(harness.operations.status("pve-5", vm.vmid()).orElseThrow().hibernated()).isTrue();
    }

    @Test
    void a_hibernation_repeated_after_a_crash_finds_the_vm_on_disk_and_finishes() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        fixture.givenAPublished(started(vm))
                .whenPublishingA(started(vm))
                .expectDispatchedCommands(new RecordVmHibernated(id));
        assertThat(harness.status(vm.vmid()).hibernated()).isTrue();
    }

    @Test
    void proxmox_errors_while_suspending_are_retried_with_back_off() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withHttp5xx(1.0));
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vm))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofSeconds(10), VmSaga.RETRY);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture.whenTimeElapses(Duration.ofSeconds(10))
                .expectDispatchedCommands(new RecordVmHibernated(id));
        assertThat(harness.status(vm.vmid()).hibernated()).isTrue();
    }

    @Test
    void a_suspend_that_keeps_failing_leaves_the_session_active_and_names_the_lock_proxmox_left() throws Exception {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withTaskFailure(1.0));
        fixture.givenAPublished(started(vm))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(onlyCommand(FailHibernation.class))
                .expectDispatchedCommandsMatching(capturing(sent));
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        FailHibernation failed = (FailHibernation) sent.get(0).getPayload();
        assertThat(failed.code()).isEqualTo(FailureCode.HIBERNATION_FAILED);
        assertThat(failed.detail()).contains("qm unlock " + vm.vmid());
        assertThat(harness.status(vm.vmid()).running()).isTrue();
        assertThat(harness.status(vm.vmid()).lock()).isEqualTo("suspending");
        assertThat(harness.guacamole.connections()).anyMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_vm_deleted_outside_vigil_ends_the_session_instead_of_failing_the_hibernation() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.proxmox.removeVm(vm.vmid());
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vm))
                .expectDispatchedCommandsMatching(onlyCommand(RecordVmLost.class))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines();
    }

    @Test
    void an_end_during_the_suspend_hands_the_vm_and_the_running_task_to_teardown() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withSuspend(Duration.ofSeconds(5)));
        fixture.givenAPublished(started(vm))
                .whenPublishingA(new SessionEnding(id, EndReason.EXPIRED, NODE, vm.vmid(), vm.connectionId()))
                .expectActiveSagas(0)
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectNoScheduledDeadlines();
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE);
        assertThat(((HandOverTeardown) sent.get(0).getPayload()).pendingTask()).contains(":qmsuspend:" + vm.vmid() + ":");
    }

    @Test
    void the_saga_ends_when_the_session_hibernated() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        fixture.givenAPublished(started(vm))
                .whenPublishingA(new SessionHibernated(id, NODE, vm.vmid()))
                .expectActiveSagas(0);
    }
}
