package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The resume saga gives up. {@code suspendAgain}: the VM runs (or a resume task may still start it), so it goes
 * back to disk, by the hibernation saga, waiting first for {@code pendingTask} when it is set.
 */
public record FailResume(@TargetAggregateIdentifier SessionId sessionId, FailureCode code, String detail,
                         boolean suspendAgain, String pendingTask) {
}
