package io.vigil.core.reconcile;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * One run of the reconciler, recorded once it is over: each removal as its own event (so an auditor finds it by
 * the VM or connection), then the whole report.
 */
public class Reconciliation {
    @AggregateIdentifier
    private String runId;

    protected Reconciliation() {
    }

    @CommandHandler
    public Reconciliation(RecordReconciliation command) {
        ReconciliationReport report = command.report();
        for (Finding f : report.findings()) {
            if (!Finding.REMOVED.equals(f.outcome())) {
                continue;
            }
            if (Finding.VM.equals(f.kind())) {
                apply(new OrphanVmRemoved(command.runId(), f.node(), f.vmid(), f.name(), f.detail()));
            } else if (Finding.CONNECTION.equals(f.kind())) {
                apply(new OrphanConnectionRemoved(command.runId(), f.ref(), f.name(), f.detail()));
            }
        }
        apply(new ReconciliationCompleted(command.runId(), report));
    }

    @EventSourcingHandler
    void on(ReconciliationCompleted event) {
        runId = event.runId();
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
