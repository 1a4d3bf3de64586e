package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RecordVmHibernated(@TargetAggregateIdentifier SessionId sessionId) {
}
