package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RecordVmCloned(@TargetAggregateIdentifier SessionId sessionId, int vmid) {
}
