package io.vigil.core.keptvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.DomainException;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.SessionId;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A VM kept for its owner: reused by their sessions only, deleted by them or when its retention ends. */
class KeptVmTest {
    static final KeptVmId ID = new KeptVmId("vigil-keep-alice-1");
    static final UserId ALICE = new UserId("alice");
    static final UserId BOB = new UserId("bob");
    static final NodeName NODE = new NodeName("pve-2");
    static final SessionId FIRST = new SessionId("01JD0000000000000000000001");
    static final SessionId SECOND = new SessionId("01JD0000000000000000000002");
    static final TemplateSpec UBUNTU = new TemplateSpec("Ubuntu 22.04", OsType.LINUX, Protocol.SSH, 9001, 2, 4096, 32, List.of(), true);
    static final Instant NOW = Instant.now();
    static final Instant UNTIL = NOW.plus(Duration.ofDays(14));

    private AggregateTestFixture<KeptVm> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(KeptVm.class);
        fixture.registerIgnoredField(VmKept.class, "retentionDeadlineId");
        fixture.registerIgnoredField(KeptVmReturned.class, "retentionDeadlineId");
    }

    private static VmKept kept() {
        return new VmKept(ID, ALICE, new TemplateId("ubuntu-22-04"), UBUNTU, NODE, 120, FIRST, NOW, UNTIL, "d-1");
    }

    private static KeepVm keep() {
        return new KeepVm(ID, ALICE, new TemplateId("ubuntu-22-04"), UBUNTU, NODE, 120, FIRST, NOW, UNTIL);
    }

    @Test
    void a_vm_is_kept_until_its_retention_ends_and_keeping_it_again_changes_nothing() {
        fixture.givenNoPriorActivity()
                .when(keep())
                .expectEvents(kept())
                .expectScheduledDeadlineWithName(UNTIL, KeptVm.RETENTION_DEADLINE);
        fixture.given(kept())
                .when(keep())
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void its_owner_starts_a_session_from_it_and_the_retention_stops() {
        fixture.givenCommands(keep())
                .when(new TakeKeptVm(ID, SECOND, ALICE))
                .expectEvents(new KeptVmTaken(ID, SECOND))
                .expectNoScheduledDeadlines();
    }

    @Test
    void nobody_else_can_use_it_or_even_learn_that_it_exists() {
        fixture.given(kept())
                .when(new TakeKeptVm(ID, SECOND, BOB))
                .expectException(DomainException.class)
                .expectExceptionMessage("You keep no VM " + ID)
                .expectNoEvents();
        fixture.given(kept())
                .when(new DeleteKeptVm(ID, BOB, false))
                .expectException(DomainException.class)
                .expectNoEvents();
    }

    @Test
    void a_vm_in_use_cannot_be_taken_again_nor_deleted() {
        fixture.given(kept(), new KeptVmTaken(ID, FIRST))
                .when(new TakeKeptVm(ID, SECOND, ALICE))
                .expectException(DomainException.class)
                .expectNoEvents();
        fixture.given(kept(), new KeptVmTaken(ID, FIRST))
                .when(new DeleteKeptVm(ID, ALICE, false))
                .expectException(DomainException.class)
                .expectExceptionMessage("VM " + ID + " is in use by session " + FIRST + "; end the session first");
    }

    @Test
    void the_session_using_it_gives_it_back_with_a_new_retention() {
        Instant later = UNTIL.plus(Duration.ofDays(1));
        fixture.given(kept(), new KeptVmTaken(ID, SECOND))
                .when(new ReturnKeptVm(ID, SECOND, later))
                .expectEvents(new KeptVmReturned(ID, SECOND, later, null))
                .expectScheduledDeadlineWithName(later, KeptVm.RETENTION_DEADLINE);
    }

    @Test
    void its_owner_or_an_admin_deletes_it() {
        fixture.givenCommands(keep())
                .when(new DeleteKeptVm(ID, ALICE, false))
                .expectEvents(new KeptVmDeletionRequested(ID, ALICE, NODE, 120, DeletionReason.REQUESTED))
                .expectNoScheduledDeadlines();
        fixture.given(kept())
                .when(new DeleteKeptVm(ID, BOB, true))
                .expectEvents(new KeptVmDeletionRequested(ID, ALICE, NODE, 120, DeletionReason.REQUESTED));
    }

    @Test
    void it_is_deleted_when_its_retention_ends_unused() {
        fixture.givenCommands(keep())
                .whenTimeElapses(Duration.ofDays(15))
                .expectTriggeredDeadlinesWithName(KeptVm.RETENTION_DEADLINE)
                .expectEvents(new KeptVmDeletionRequested(ID, ALICE, NODE, 120, DeletionReason.RETENTION_ENDED));
    }

    @Test
    void a_removal_that_gave_up_is_recorded_with_its_reason() {
        fixture.given(kept(), new KeptVmDeletionRequested(ID, ALICE, NODE, 120, DeletionReason.REQUESTED))
                .when(new RecordKeptVmDeleted(ID, "VM is locked (backup)"))
                .expectEvents(new KeptVmDeleted(ID, ALICE, NODE, 120, "VM is locked (backup)"));
    }

    @Test
    void kept_names_are_dns_safe_and_say_whose_vm_it_is() {
        assertThat(KeptVmId.forOwner(new UserId("Alice.Smith@Lab.example"), 7).value())
                .isEqualTo("vigil-keep-alice-smith-lab-example-7");
        assertThat(KeptVmId.forOwner(new UserId("@@@"), 1).value()).isEqualTo("vigil-keep-user-1");
    }
}
