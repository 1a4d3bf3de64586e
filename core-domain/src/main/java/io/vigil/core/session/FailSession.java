package io.vigil.core.session;

import io.vigil.core.Check;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Provisioning gave up: {@code code} is what the engineer is told, {@code detail} what admins see. */
public record FailSession(@TargetAggregateIdentifier SessionId sessionId, FailureCode code, String detail) {
    public FailSession {
        Check.present(code, "code");
    }
}
