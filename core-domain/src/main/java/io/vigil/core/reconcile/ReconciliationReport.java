package io.vigil.core.reconcile;

import java.time.Instant;
import java.util.List;

/**
 * What one reconciliation run saw and did.
 *
 * @param trigger   {@code scheduled} or {@code admin:<user>}
 * @param vmsSeen   VMs named {@code vigil-*} in the cluster
 * @param errors    what could not be read (a run that cannot list the cluster removes nothing)
 */
public record ReconciliationReport(String runId, String trigger, Instant startedAt, Instant finishedAt, int vmsSeen,
                                   int connectionsSeen, List<Finding> findings, List<String> errors) {
    public ReconciliationReport {
        findings = findings == null ? List.of() : List.copyOf(findings);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
