package io.vigil.command.session;

import static io.vigil.command.session.ProvisioningSagaTest.onlyCommand;
import static io.vigil.command.session.SagaHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.CompleteResume;
import io.vigil.core.session.FailResume;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionId;
import io.vigil.core.template.Protocol;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import java.time.Duration;
import java.util.List;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The resume saga against the Proxmox and Guacamole simulators over HTTP. */
class ResumeSagaTest {
    static final SagaHarness harness = new SagaHarness();
    SagaTestFixture<ResumeSaga> fixture;
    SessionId id;
    final List<CommandMessage<?>> sent = new java.util.ArrayList<>();

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
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(NODE.value(),
                harness.operations.stop(NODE.value(), vm.vmid())).finished());
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vm.vmid()))
                .expectDispatchedCommandsMatching(onlyCommand(CompleteResume.class));
        assertThat(harness.status(vm.vmid()).running()).isTrue();
    }

    @Test
    void proxmox_errors_while_resuming_are_retried_with_back_off() {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withUnreachable595(1.0));
        fixture.givenNoPriorActivity()
                .whenPublishingA(started(vmid))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofSeconds(10), ResumeSaga.RETRY);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture.whenTimeElapses(Duration.ofSeconds(10))
                .expectDispatchedCommandsMatching(onlyCommand(CompleteResume.class));
    }

    @Test
    void a_resume_that_keeps_failing_gives_up_with_the_reason_and_leaves_the_vm_on_disk() throws Exception {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withTaskFailure(1.0));
        fixture.givenAPublished(started(vmid))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(onlyCommand(FailResume.class))
                .expectDispatchedCommandsMatching(capturing(sent));
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        assertThat(((FailResume) sent.get(0).getPayload()).reason()).contains("failed");
        assertThat(harness.status(vmid).hibernated()).isTrue();
    }

    @Test
    void a_guest_that_does_not_answer_within_30_seconds_fails_the_resume_and_the_vm_goes_back_to_disk() throws Exception {
        SagaHarness.RunningVm vm = harness.runningVm(id);
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(NODE.value(),
                harness.operations.stop(NODE.value(), vm.vmid())).finished());
        // a cold boot that takes far longer than the resume may wait
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withBoot(Duration.ofMinutes(10)));
        fixture.givenAPublished(started(vm.vmid()))
                .whenTimeElapses(Duration.ofSeconds(31))
                .expectDispatchedCommandsMatching(onlyCommand(FailResume.class))
                .expectDispatchedCommandsMatching(capturing(sent));
        assertThat(((FailResume) sent.get(0).getPayload()).reason()).contains("Gave up after 30 s");
        assertThat(harness.status(vm.vmid()).hibernated()).isTrue();
    }

    @Test
    void the_saga_ends_when_resume_failed() {
        int vmid = harness.hibernatedVm(id);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withHttp5xx(1.0));
        fixture.givenAPublished(started(vmid))
                .whenPublishingA(new ResumeFailed(id, "x"))
                .expectActiveSagas(0);
    }

    /** Matches anything, keeping the dispatched commands for assertions on their contents. */
    private static org.hamcrest.Matcher<List<CommandMessage<?>>> capturing(List<CommandMessage<?>> into) {
        return new org.hamcrest.CustomTypeSafeMatcher<>("any commands") {
            @Override
            protected boolean matchesSafely(List<CommandMessage<?>> item) {
                into.clear();
                into.addAll(item);
                return true;
            }
        };
    }
}
