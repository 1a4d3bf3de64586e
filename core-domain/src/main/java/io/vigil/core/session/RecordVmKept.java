package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Teardown stopped and renamed the VM of a persistent session and registered it as the kept VM {@code keptVmId}. */
public record RecordVmKept(@TargetAggregateIdentifier SessionId sessionId, String keptVmId) {
}
