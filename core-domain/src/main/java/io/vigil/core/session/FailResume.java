package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record FailResume(@TargetAggregateIdentifier SessionId sessionId, String reason) {
}
