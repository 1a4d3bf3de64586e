package io.vigil.core.reconcile;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

/**
 * One run of the reconciler: each removal as its own event the moment it is done (so an auditor finds it by the
 * VM or connection, even if the run never finished), then the whole report once the run is over.
 */
public class Reconciliation {
    @AggregateIdentifier
    private String runId;
    private boolean completed;

    protected Reconciliation() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RecordOrphanRemoved command) {
        Finding f = command.finding();
        if (completed || !Finding.REMOVED.equals(f.outcome())) {
            return;
        }
        if (Finding.VM.equals(f.kind())) {
            apply(new OrphanVmRemoved(command.runId(), f.node(), f.vmid(), f.name(), f.detail()));
        } else if (Finding.CONNECTION.equals(f.kind())) {
            apply(new OrphanConnectionRemoved(command.runId(), f.ref(), f.name(), f.detail()));
        }
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RecordReconciliation command) {
        if (!completed) {
            apply(new ReconciliationCompleted(command.runId(), command.report()));
        }
    }

    @EventSourcingHandler
    void on(ReconciliationCompleted event) {
        runId = event.runId();
        completed = true;
    }

    @EventSourcingHandler
    void on(OrphanVmRemoved event) {
        runId = event.runId();
    }

    @EventSourcingHandler
    void on(OrphanConnectionRemoved event) {
        runId = event.runId();
    }
}
