package io.vigil.command.session;

import static io.vigil.command.session.ProvisioningSagaTest.onlyCommand;
import static io.vigil.command.session.SagaHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.EndReason;
import io.vigil.core.session.FailHibernation;
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

    @BeforeEach
    void setUp() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture = harness.fixture(HibernationSaga.class);
        id = SessionId.generate();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private HibernationStarted started(SagaHarness.RunningVm vm) {
        return new HibernationStarted(id, HibernationReason.IDLE, NODE, vm.vmid(), vm.connectionId());
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
                .expectScheduledDeadlineWithName(Duration.ofSeconds(10), HibernationSaga.RETRY);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture.whenTimeElapses(Duration.ofSeconds(10))
                .expectDispatchedCommands(new RecordVmHibernated(id));
        assertThat(harness.status(vm.vmid()).hibernated()).isTrue();
    }

    @Test
    void a_suspend_that_keeps_failing_leaves_the_session_active_with_the_reason() throws Exception {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withTaskFailure(1.0));
        fixture.givenAPublished(started(vm))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(onlyCommand(FailHibernation.class));
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        assertThat(harness.status(vm.vmid()).running()).isTrue();
        assertThat(harness.guacamole.connections()).anyMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void the_saga_ends_when_the_session_hibernated_or_ended() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        fixture.givenAPublished(started(vm))
                .whenPublishingA(new SessionHibernated(id, NODE, vm.vmid()))
                .expectActiveSagas(0);
        fixture = harness.fixture(HibernationSaga.class);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withHttp5xx(1.0));
        fixture.givenAPublished(started(vm))
                .whenPublishingA(new SessionEnding(id, EndReason.EXPIRED, NODE, vm.vmid(), null))
                .expectActiveSagas(0);
    }
}
