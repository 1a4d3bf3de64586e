package io.vigil.core.reconcile;

public record ReconciliationCompleted(String runId, ReconciliationReport report) {
}
