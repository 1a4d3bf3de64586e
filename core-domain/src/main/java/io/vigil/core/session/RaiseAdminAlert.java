package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RaiseAdminAlert(@TargetAggregateIdentifier SessionId sessionId, String message) {
}
