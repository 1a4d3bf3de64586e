package io.vigil.core.keptvm;

import io.vigil.core.session.SessionId;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The session that used the kept VM is over; teardown stopped it and gave it back its kept name. */
public record ReturnKeptVm(@TargetAggregateIdentifier KeptVmId keptVmId, SessionId sessionId, Instant retainUntil) {
}
