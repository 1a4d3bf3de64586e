package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record CompleteResume(@TargetAggregateIdentifier SessionId sessionId, String connectionId, String clientUrl) {
}
