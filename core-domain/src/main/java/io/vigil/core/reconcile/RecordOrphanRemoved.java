package io.vigil.core.reconcile;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * One removal of a run, recorded the moment it is done: a run that is cut short (a crash, a restart) leaves the
 * record of what it removed all the same. {@code finding} is a {@link Finding#VM} or {@link Finding#CONNECTION}
 * with outcome {@link Finding#REMOVED}.
 */
public record RecordOrphanRemoved(@TargetAggregateIdentifier String runId, Finding finding) {
}
