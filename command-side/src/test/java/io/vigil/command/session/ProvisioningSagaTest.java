package io.vigil.command.session;

import static io.vigil.command.session.SagaHarness.NODE;
import static io.vigil.command.session.SagaHarness.TEMPLATE_NODE;
import static io.vigil.command.session.SagaHarness.requested;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.UserId;
import io.vigil.core.session.ActivateSession;
import io.vigil.core.session.EndReason;
import io.vigil.core.session.FailSession;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.HandOverTeardown;
import io.vigil.core.session.KeptVmSource;
import io.vigil.core.session.RecordVmBooted;
import io.vigil.core.session.RecordVmCloned;
import io.vigil.core.session.ReserveVmId;
import io.vigil.core.session.ScheduleProvisioningRetry;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.SessionType;
import io.vigil.core.session.VmBooted;
import io.vigil.core.session.VmCloned;
import io.vigil.core.session.VmIdReserved;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.test.matchers.Matchers;
import org.axonframework.test.saga.SagaTestFixture;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provisioning saga against the Proxmox and Guacamole simulators over HTTP. */
class ProvisioningSagaTest {
    static final SagaHarness harness = new SagaHarness();
    SagaTestFixture<ProvisioningSaga> fixture;
    SessionId id;
    final List<CommandMessage<?>> sent = new ArrayList<>();

    @BeforeEach
    void setUp() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE);
        fixture = harness.fixture(ProvisioningSaga.class);
        id = SessionId.generate();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private int freeVmid() {
        return harness.operations.nextVmId();
    }

    @Test
    void a_request_reserves_a_free_vmid_before_anything_is_cloned() {
        fixture.givenNoPriorActivity()
                .whenPublishingA(requested(id))
                .expectActiveSagas(1)
                .expectDispatchedCommandsMatching(onlyCommand(ReserveVmId.class));
        assertThat(harness.proxmox.vms()).noneMatch(vm -> id.vmName().equals(vm.name()));
    }

    @Test
    void the_clone_is_made_on_the_templates_node_and_lands_on_the_chosen_node() {
        int vmid = freeVmid();
        fixture.givenAPublished(requested(id))
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommands(new RecordVmCloned(id, vmid));
        assertThat(harness.proxmox.vms()).anyMatch(vm -> vm.vmid() == vmid && id.vmName().equals(vm.name())
                && vm.node().equals(NODE.value()));
        assertThat(harness.proxmox.tasks()).anyMatch(t -> t.type().equals("qmclone") && t.node().equals(TEMPLATE_NODE.value()));
    }

    @Test
    void a_repeated_clone_after_a_redelivery_finds_its_own_vm_instead_of_failing() {
        int vmid = freeVmid();
        fixture.givenAPublished(requested(id)).andThenAPublished(new VmIdReserved(id, NODE, vmid))
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommands(new RecordVmCloned(id, vmid));
    }

    @Test
    void a_clone_still_running_after_a_crash_counts_as_ours() {
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withLinkedClone(Duration.ofSeconds(2)));
        int vmid = freeVmid();
        harness.operations.cloneOrFindOurs(TEMPLATE_NODE.value(), 9001, vmid, id.vmName(), "first try", NODE.value());

        fixture.givenAPublished(requested(id))
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommands(new RecordVmCloned(id, vmid));
    }

    @Test
    void a_vmid_taken_on_another_node_is_seen_before_cloning_and_a_fresh_vmid_is_reserved() {
        int vmid = freeVmid();
        // someone else's VM under that id on pve-5: the check on the template's node cannot see it
        harness.operations.cloneOrFindOurs(TEMPLATE_NODE.value(), 9001, vmid, "not-vigils", "outside", "pve-5");
        org.awaitility.Awaitility.await().until(() -> harness.proxmox.vms().stream()
                .anyMatch(vm -> vm.vmid() == vmid && "pve-5".equals(vm.node())));

        fixture.givenAPublished(requested(id))
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommandsMatching(onlyCommand(ReserveVmId.class));
        assertThat(harness.proxmox.vms()).filteredOn(vm -> vm.vmid() == vmid).singleElement()
                .satisfies(vm -> assertThat(vm.name()).isEqualTo("not-vigils"));
    }

    @Test
    void a_cloned_vm_is_started_and_recorded_booted_once_its_guest_reports_a_real_address() {
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withBoot(Duration.ofSeconds(3)));
        int vmid = freeVmid();
        fixture.givenAPublished(requested(id)).andThenAPublished(new VmIdReserved(id, NODE, vmid))
                .whenPublishingA(new VmCloned(id, NODE, vmid))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofMillis(50), VmSaga.POLL);
        // boot: the agent is silent, then reports only lo, then the guest's address
        fixture.whenTimeElapses(Duration.ofSeconds(1)).expectNoDispatchedCommands();
        org.awaitility.Awaitility.await().until(() -> harness.operations.guestAddress(NODE.value(), vmid).isPresent());
        fixture.whenTimeElapses(Duration.ofSeconds(5))
                .expectDispatchedCommands(new RecordVmBooted(id, "127.0.0.1"));
    }

    @Test
    void a_booted_vm_gets_a_guacamole_connection_and_the_session_is_activated() {
        int vmid = freeVmid();
        fixture.givenAPublished(requested(id)).andThenAPublished(new VmIdReserved(id, NODE, vmid))
                .andThenAPublished(new VmCloned(id, NODE, vmid))
                .whenPublishingA(new VmBooted(id, "127.0.0.1"))
                .expectDispatchedCommandsMatching(onlyCommand(ActivateSession.class));
        assertThat(harness.guacamole.connections()).anyMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_session_from_a_kept_vm_renames_it_for_the_session_and_starts_it_without_a_clone() {
        int vmid = harness.clonedVm("vigil-keep-alice-1");
        long clones = harness.proxmox.tasks().stream().filter(t -> t.type().equals("qmclone")).count();
        SessionRequested fromKept = new SessionRequested(id, new UserId("alice"), new TemplateId("ubuntu-22-04"),
                SagaHarness.UBUNTU, NODE, 60, SessionType.PERSISTENT, Instant.now(), Instant.now().plusSeconds(3600),
                NODE, null, new KeptVmSource("vigil-keep-alice-1", vmid));

        fixture.givenNoPriorActivity()
                .whenPublishingA(fromKept)
                .expectDispatchedCommands(new RecordVmCloned(id, vmid));
        assertThat(harness.proxmox.vms()).anyMatch(vm -> vm.vmid() == vmid && id.vmName().equals(vm.name()));
        assertThat(harness.proxmox.tasks().stream().filter(t -> t.type().equals("qmclone")).count()).isEqualTo(clones);
    }

    @Test
    void activation_ends_the_saga() {
        fixture.givenAPublished(requested(id))
                .whenPublishingA(new SessionActivated(id, "1", "url"))
                .expectActiveSagas(0);
    }

    @Test
    void ending_before_any_clone_stops_building_and_hands_over_nothing_running() {
        fixture.givenAPublished(requested(id))
                .whenPublishingA(new SessionEnding(id, EndReason.ENDED_BY_USER, NODE, null, null))
                .expectActiveSagas(0)
                .expectDispatchedCommands(new HandOverTeardown(id, null))
                .expectNoScheduledDeadlines();
    }

    @Test
    void ending_while_the_clone_runs_hands_the_clone_task_to_teardown() {
        harness.proxmox.setLatencies(ProxmoxSimConfig.Latencies.NONE.withLinkedClone(Duration.ofSeconds(5)));
        int vmid = freeVmid();
        fixture.givenAPublished(requested(id)).andThenAPublished(new VmIdReserved(id, NODE, vmid))
                .whenPublishingA(new SessionEnding(id, EndReason.ENDED_BY_USER, NODE, vmid, null))
                .expectActiveSagas(0)
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectNoScheduledDeadlines();
        HandOverTeardown handOver = (HandOverTeardown) sent.get(0).getPayload();
        assertThat(handOver.pendingTask()).startsWith("UPID:" + TEMPLATE_NODE.value() + ":").contains(":qmclone:");
    }

    @Test
    void an_unreachable_proxmox_is_retried_after_10_seconds_through_a_deadline() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withUnreachable595(1.0));
        fixture.givenNoPriorActivity()
                .whenPublishingA(requested(id))
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(10), VmSaga.RETRY)
                .expectDispatchedCommandsMatching(onlyCommand(ScheduleProvisioningRetry.class));
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture.whenTimeElapses(Duration.ofSeconds(10))
                .expectDispatchedCommandsMatching(onlyCommand(ReserveVmId.class));
    }

    @Test
    void after_three_retries_with_10_30_60_second_back_off_the_session_fails_with_a_safe_code() throws Exception {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withUnreachable595(1.0));
        fixture.givenAPublished(requested(id))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(onlyCommand(FailSession.class))
                .expectDispatchedCommandsMatching(capturing(sent));
        FailSession failed = (FailSession) sent.get(0).getPayload();
        assertThat(failed.code()).isEqualTo(FailureCode.CLUSTER_UNAVAILABLE);
        assertThat(failed.detail()).contains("595");
    }

    @Test
    void a_template_missing_from_its_node_fails_at_once_as_clone_failed() {
        int vmid = freeVmid();
        var missingTemplate = new SessionRequested(id, new UserId("alice"), new TemplateId("gone"),
                new TemplateSpec("Gone", OsType.LINUX, Protocol.SSH, 777, 2, 4096, 32, List.of(), true),
                NODE, 60, SessionType.EPHEMERAL, Instant.now(), Instant.now().plusSeconds(3600), TEMPLATE_NODE, null, null);
        fixture.givenAPublished(missingTemplate)
                .whenPublishingA(new VmIdReserved(id, NODE, vmid))
                .expectDispatchedCommandsMatching(onlyCommand(FailSession.class))
                .expectDispatchedCommandsMatching(capturing(sent))
                .expectNoScheduledDeadlines();
        FailSession failed = (FailSession) sent.get(0).getPayload();
        assertThat(failed.code()).isEqualTo(FailureCode.CLONE_FAILED);
        assertThat(failed.detail()).contains("unable to find configuration file for VM 777");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Matcher<List<CommandMessage<?>>> onlyCommand(Class<?> type) {
        Matcher payload = Matchers.messageWithPayload(org.hamcrest.Matchers.instanceOf(type));
        return (Matcher) Matchers.exactSequenceOf(payload, Matchers.andNoMore());
    }

    /** Matches anything, keeping the dispatched commands for assertions on their contents. */
    static Matcher<List<CommandMessage<?>>> capturing(List<CommandMessage<?>> into) {
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
