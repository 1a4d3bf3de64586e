package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The session's VM is no longer in the cluster (removed outside Vigil); {@code detail} says how it was found out. */
public record RecordVmLost(@TargetAggregateIdentifier SessionId sessionId, String detail) {
}
