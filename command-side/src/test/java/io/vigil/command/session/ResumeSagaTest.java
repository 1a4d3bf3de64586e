package io.vigil.command.session;

import static io.vigil.command.session.ProvisioningSagaTest.capturing;
import static io.vigil.command.session.ProvisioningSagaTest.onlyCommand;
import static io.vigil.command.session.SagaHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.CompleteResume;
import io.vigil.core.session.EndReason;
import io.vigil.core.session.FailResume;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.HandOverTeardown;
import io.vigil.core.session.RecordVmLost;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionId;
import io.vigil.core.template.Protocol;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The resume saga against the Proxmox and Guacamole simulators over HTTP; its one clock is 30 s. */
class ResumeSagaTest {
    static final SagaHarness harness = new SagaHarness();
    SagaTestFixture<ResumeSaga> fixture;
    SessionId id;
    final List<CommandMessage<?>> sent = new ArrayList<>();

    @BeforeEach
    void setUp() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE);
        fixture = harness.fixture(ResumeSaga.class);
        id = SessionId.generate();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private ResumeStarted started(int vmid) {
        return new ResumeStarted(id, NODE, vmid, Protocol.SSH);
    }

    @Test
    void resume_brings_the_vm_back_from_disk_and_reconnects_it_with_a_fresh_url() {
        int vmid = harness.hibernatedVm(id);
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vmid))
                .expectDispatchedCommandsMatching(onlyCommand(CompleteResume.class))
                .expectDispatchedCommandsMatching(capturing(sent));
        assertThat(harness.status(vmid).running()).isTrue();
        assertThat(harness.status(vmid).hibernated()).isFalse();
        CompleteResume done = (CompleteResume) sent.get(0).getPayload();
        assertThat(harness.guacamole.connections()).anyMatch(c -> c.name().equals(id.vmName())
                && c.identifier().equals(done.connectionId()));
        assertThat(done.clientUrl()).contains("/#/client/");
    }

    @Test
    void a_vm_shut_down_from_inside_is_started_instead() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.awaitTask(harness.operations.stop(NODE.value(), vm.vmid()));
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vm.vmid()))
                .expectDispatchedCommandsMatching(onlyCommand(CompleteResume.class));
        assertThat(harness.status(vm.vmid()).running()).isTrue();
    }

    @Test
    void proxmox_errors_while_resuming_are_tried_again_within_the_clock_after_a_short_wait() {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withUnreachable595(1.0));
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vmid))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofMillis(50), VmSaga.POLL);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture.whenTimeElapses(Duration.ofSeconds(1))
                .expectDispatchedCommandsMatching(onlyCommand(CompleteResume.class));
    }

    @Test
    void a_resume_that_keeps_failing_gives_up_when_its_30_second_clock_runs_out_retries_included() throws Exception {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withTaskFailure(1.0));
        fixture.givenAPublished(started(vmid))
                .andThenTimeElapses(Duration.ofSeconds(29))
                .whenTimeElapses(Duration.ofSeconds(2))
                .expectDispatchedCommandsMatching(onlyCommand(FailResume.class))
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectNoScheduledDeadlines();
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        FailResume failed = (FailResume) sent.get(0).getPayload();
        assertThat(failed.code()).isEqualTo(FailureCode.RESUME_TIMED_OUT);
        assertThat(failed.detail()).contains("start failed");
        assertThat(failed.suspendAgain()).as("the VM never started: it is still on disk").isFalse();
        assertThat(harness.status(vmid).hibernated()).isTrue();
    }

    @Test
    void a_guest_that_does_not_answer_within_30_seconds_fails_the_resume_and_asks_for_it_to_go_back_to_disk() {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        harness.awaitTask(harness.operations.stop(NODE.value(), vm.vmid()));
        // a cold boot that takes far longer than the resume may wait
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withBoot(Duration.ofMinutes(10)));
        fixture.givenAPublished(started(vm.vmid()))
                .whenTimeElapses(Duration.ofSeconds(31))
                .expectDispatchedCommandsMatching(onlyCommand(FailResume.class))
                .expectDispatchedCommandsMatching(capturing(sent));
        FailResume failed = (FailResume) sent.get(0).getPayload();
        assertThat(failed.code()).isEqualTo(FailureCode.RESUME_TIMED_OUT);
        assertThat(failed.detail()).contains("Gave up after 30 s");
        assertThat(failed.suspendAgain()).isTrue();
        assertThat(harness.status(vm.vmid()).running()).as("the hibernation that follows suspends it").isTrue();
    }

    @Test
    void a_vm_deleted_outside_vigil_ends_the_session() {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.removeVm(vmid);
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vmid))
                .expectDispatchedCommandsMatching(onlyCommand(RecordVmLost.class))
                .expectActiveSagas(0);
    }

    @Test
    void an_end_while_resuming_hands_the_vm_and_the_running_task_to_teardown() {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withResume(Duration.ofSeconds(5)));
        fixture.givenAPublished(started(vmid))
                .whenPublishingA(new SessionEnding(id, EndReason.ENDED_BY_USER, NODE, vmid, null))
                .expectActiveSagas(0)
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectNoScheduledDeadlines();
        assertThat(((HandOverTeardown) sent.get(0).getPayload()).pendingTask()).contains(":qmresume:" + vmid + ":");
    }

    @Test
    void the_saga_ends_when_resume_failed() {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withHttp5xx(1.0));
        fixture.givenAPublished(started(vmid))
                .whenPublishingA(new ResumeFailed(id, "x", FailureCode.RESUME_FAILED))
                .expectActiveSagas(0);
    }
}
