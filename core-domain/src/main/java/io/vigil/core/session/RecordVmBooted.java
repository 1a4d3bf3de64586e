package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The VM runs and its guest answers on the protocol's port at {@code guestAddress}. */
public record RecordVmBooted(@TargetAggregateIdentifier SessionId sessionId, String guestAddress) {
}
