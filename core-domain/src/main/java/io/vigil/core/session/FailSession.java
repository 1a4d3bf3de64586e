package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record FailSession(@TargetAggregateIdentifier SessionId sessionId, String reason) {
}
