package io.vigil.core.keptvm;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.vigil.core.DomainException;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.SessionId;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.modelling.command.CreationPolicy;

/**
 * A VM kept for its owner after a persistent session: stopped, named {@code vigil-keep-<user>-<n>}, until a new
 * session starts from it, its owner deletes it, or its retention ends. Nobody else can see or use it.
 */
public class KeptVm {
    public static final String RETENTION_DEADLINE = "kept-vm-retention";

    @AggregateIdentifier
    private String id;
    private KeptVmId keptVmId;
    private UserId owner;
    private KeptVmState state;
    private NodeName node;
    private int vmid;
    private SessionId usedBy;
    private String retentionDeadline;

    protected KeptVm() {
    }

    /** Idempotent: teardown repeated after a crash keeps the same VM again, which changes nothing. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(KeepVm command, DeadlineManager deadlines) {
        if (state != null) {
            return;
        }
        String deadline = deadlines.schedule(command.retainUntil(), RETENTION_DEADLINE, null,
                new AggregateScopeDescriptor(KeptVm.class.getSimpleName(), command.keptVmId().value()));
        apply(new VmKept(command.keptVmId(), command.owner(), command.templateId(), command.template(), command.node(),
                command.vmid(), command.fromSession(), command.keptAt(), command.retainUntil(), deadline));
    }

    /** Only its owner starts a session from it; to anyone else it does not exist (its id must not leak). */
    @CommandHandler
    public void handle(TakeKeptVm command, DeadlineManager deadlines) {
        if (!owner.equals(command.requestedBy()) || state == KeptVmState.DELETED) {
            throw notFound();
        }
        if (state == KeptVmState.IN_USE && command.sessionId().equals(usedBy)) {
            return;
        }
        if (state != KeptVmState.KEPT) {
            throw DomainException.conflict("vm_not_available", "VM " + keptVmId + " is "
                    + (state == KeptVmState.IN_USE ? "in use by session " + usedBy : "being deleted"));
        }
        cancelRetention(deadlines);
        apply(new KeptVmTaken(keptVmId, command.sessionId()));
    }

    @CommandHandler
    public void handle(ReturnKeptVm command, DeadlineManager deadlines) {
        if (state != KeptVmState.IN_USE || !command.sessionId().equals(usedBy)) {
            return;
        }
        String deadline = deadlines.schedule(command.retainUntil(), RETENTION_DEADLINE);
        apply(new KeptVmReturned(keptVmId, command.sessionId(), command.retainUntil(), deadline));
    }

    @CommandHandler
    public KeptVmState handle(DeleteKeptVm command, DeadlineManager deadlines) {
        if (!command.admin() && !owner.equals(command.requestedBy()) || state == KeptVmState.DELETED) {
            throw notFound();
        }
        if (state == KeptVmState.IN_USE) {
            throw DomainException.conflict("vm_in_use", "VM " + keptVmId + " is in use by session " + usedBy
                    + "; end the session first");
        }
        if (state == KeptVmState.KEPT) {
            cancelRetention(deadlines);
            apply(new KeptVmDeletionRequested(keptVmId, owner, node, vmid, DeletionReason.REQUESTED));
        }
        return state;
    }

    @DeadlineHandler(deadlineName = RETENTION_DEADLINE)
    void retentionEnded() {
        if (state == KeptVmState.KEPT) {
            apply(new KeptVmDeletionRequested(keptVmId, owner, node, vmid, DeletionReason.RETENTION_ENDED));
        }
    }

    /**
     * The VM is gone: removed by its deletion, lost while a session used it, or given to the reconciler when its
     * removal (or the teardown of the session using it) gave up.
     */
    @CommandHandler
    public void handle(RecordKeptVmDeleted command, DeadlineManager deadlines) {
        if (state != null && state != KeptVmState.DELETED) {
            cancelRetention(deadlines);
            apply(new KeptVmDeleted(keptVmId, owner, node, vmid, command.failure()));
        }
    }

    private void cancelRetention(DeadlineManager deadlines) {
        if (retentionDeadline != null) {
            deadlines.cancelSchedule(RETENTION_DEADLINE, retentionDeadline);
        }
    }

    private DomainException notFound() {
        return DomainException.notFound("vm_not_found", "You keep no VM " + keptVmId);
    }

    @EventSourcingHandler
    void on(VmKept event) {
        id = event.keptVmId().value();
        keptVmId = event.keptVmId();
        owner = event.owner();
        node = event.node();
        vmid = event.vmid();
        state = KeptVmState.KEPT;
        retentionDeadline = event.retentionDeadlineId();
    }

    @EventSourcingHandler
    void on(KeptVmTaken event) {
        state = KeptVmState.IN_USE;
        usedBy = event.sessionId();
        retentionDeadline = null;
    }

    @EventSourcingHandler
    void on(KeptVmReturned event) {
        state = KeptVmState.KEPT;
        usedBy = null;
        retentionDeadline = event.retentionDeadlineId();
    }

    @EventSourcingHandler
    void on(KeptVmDeletionRequested event) {
        state = KeptVmState.DELETING;
        retentionDeadline = null;
    }

    @EventSourcingHandler
    void on(KeptVmDeleted event) {
        state = KeptVmState.DELETED;
    }
}
