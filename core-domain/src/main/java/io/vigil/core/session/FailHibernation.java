package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record FailHibernation(@TargetAggregateIdentifier SessionId sessionId, FailureCode code, String detail) {
}
