package io.vigil.core.reconcile;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RecordReconciliation(@TargetAggregateIdentifier String runId, ReconciliationReport report) {
}
