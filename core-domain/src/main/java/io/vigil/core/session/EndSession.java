package io.vigil.core.session;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record EndSession(@TargetAggregateIdentifier SessionId sessionId, UserId requestedBy, boolean admin) {
    public EndSession {
        Check.present(sessionId, "session_id");
        Check.present(requestedBy, "user");
    }
}
