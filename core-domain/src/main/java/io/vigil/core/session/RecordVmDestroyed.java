package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RecordVmDestroyed(@TargetAggregateIdentifier SessionId sessionId) {
}
