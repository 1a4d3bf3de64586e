package io.vigil.command.session;

import static io.vigil.command.session.SagaHarness.NODE;
import static io.vigil.command.session.SagaHarness.requested;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.ActivateSession;
import io.vigil.core.session.FailSession;
import io.vigil.core.session.RecordVmBooted;
import io.vigil.core.session.RecordVmCloned;
import io.vigil.core.session.ReserveVmId;
import io.vigil.core.session.ScheduleProvisioningRetry;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.VmBooted;
import io.vigil.core.session.VmCloned;
import io.vigil.core.session.VmIdReserved;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import java.time.Duration;
import java.util.List;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.test.matchers.Matchers;
import org.axonframework.test.saga.SagaTestFixture;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProvisioningSagaTest {
    static final SagaHarness harness = new SagaHarness();
    SagaTestFixture<ProvisioningSaga> fixture;
    SessionId id;

    @BeforeEach
    void setUp() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture = harness.fixture(ProvisioningSaga.class);
        id = SessionId.generate();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void a_request_reserves_a_free_vmid_before_anything_is_cloned() {
        fixture.givenNoPriorActivity()
                .whenPublishingA(requested(id))
                .expectActiveSagas(1)
                .expectDispatchedCommandsMatching(onlyCommand(ReserveVmId.class));
        assertThat(harness.proxmox.vms()).noneMatch(vm -> vm.name() != null && vm.name().equals(id.vmName()));
    }

    @Test
    void a_reserved_vmid_is_cloned_and_recorded_when_the_task_ends_ok() {
        int vmid = 4100 + (int) (Math.random() * 1000);
        fixture.givenAPublished(requested(id))
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommands(new RecordVmCloned(id, vmid));
        assertThat(harness.proxmox.vms()).anyMatch(vm -> vm.vmid() == vmid && id.vmName().equals(vm.name()));
    }

    @Test
    void a_repeated_clone_after_a_redelivery_finds_its_own_vm_instead_of_failing() {
        int vmid = 5100 + (int) (Math.random() * 1000);
        fixture.givenAPublished(requested(id)).andThenAPublished(new VmIdReserved(id, NODE, vmid))
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommands(new RecordVmCloned(id, vmid));
    }

    @Test
    void a_cloned_vm_is_started_and_recorded_booted_once_its_guest_answers() {
        int vmid = 6100 + (int) (Math.random() * 1000);
        fixture.givenAPublished(requested(id)).andThenAPublished(new VmIdReserved(id, NODE, vmid))
                .whenPublishingA(new VmCloned(id, NODE, vmid))
                .expectDispatchedCommands(new RecordVmBooted(id, "127.0.0.1"));
    }

    @Test
    void a_booted_vm_gets_a_guacamole_connection_and_the_session_is_activated() {
        int vmid = 7100 + (int) (Math.random() * 1000);
        fixture.givenAPublished(requested(id)).andThenAPublished(new VmIdReserved(id, NODE, vmid))
                .andThenAPublished(new VmCloned(id, NODE, vmid))
                .whenPublishingA(new VmBooted(id, "127.0.0.1"))
                .expectDispatchedCommandsMatching(onlyCommand(ActivateSession.class));
        assertThat(harness.guacamole.connections()).anyMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void activation_ends_the_saga() {
        fixture.givenAPublished(requested(id))
                .whenPublishingA(new SessionActivated(id, "1", "url"))
                .expectActiveSagas(0);
    }

    @Test
    void ending_while_provisioning_stops_building() {
        fixture.givenAPublished(requested(id))
                .whenPublishingA(new SessionEnding(id, io.vigil.core.session.EndReason.ENDED_BY_USER, NODE, null, null))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void an_unreachable_proxmox_is_retried_after_10_seconds_through_a_deadline() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withUnreachable595(1.0));
        fixture.givenNoPriorActivity()
                .whenPublishingA(requested(id))
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(10), ProvisioningSaga.RETRY)
                .expectDispatchedCommandsMatching(onlyCommand(ScheduleProvisioningRetry.class));
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture.whenTimeElapses(Duration.ofSeconds(10))
                
                .expectDispatchedCommandsMatching(onlyCommand(ReserveVmId.class));
    }

    @Test
    void after_three_retries_with_10_30_60_second_back_off_the_session_fails() throws Exception {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withHttp5xx(1.0));
        fixture.givenAPublished(requested(id))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(onlyCommand(FailSession.class));
    }

    @Test
    void a_parameter_error_fails_at_once_without_retrying() {
        int vmid = 8100 + (int) (Math.random() * 1000);
        var missingTemplate = new io.vigil.core.session.SessionRequested(id, new io.vigil.core.UserId("alice"),
                new io.vigil.core.template.TemplateId("gone"), new io.vigil.core.template.TemplateSpec("Gone",
                io.vigil.core.template.OsType.LINUX, io.vigil.core.template.Protocol.SSH, 777, 2, 4096, 32, List.of(), true),
                NODE, 60, io.vigil.core.session.SessionType.EPHEMERAL, java.time.Instant.now(), java.time.Instant.now().plusSeconds(3600));
        fixture.givenAPublished(missingTemplate)
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommandsMatching(onlyCommand(FailSession.class))
                .expectNoScheduledDeadlines();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Matcher<List<CommandMessage<?>>> onlyCommand(Class<?> type) {
        Matcher payload = Matchers.messageWithPayload(org.hamcrest.Matchers.instanceOf(type));
        return (Matcher) Matchers.exactSequenceOf(payload, Matchers.andNoMore());
    }
}
