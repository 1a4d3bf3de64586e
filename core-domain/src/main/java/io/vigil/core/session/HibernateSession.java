package io.vigil.core.session;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The owner (or an admin) hibernates an active session now, without waiting for it to go idle. */
public record HibernateSession(@TargetAggregateIdentifier SessionId sessionId, UserId requestedBy, boolean admin) {
    public HibernateSession {
        Check.present(sessionId, "session_id");
        Check.present(requestedBy, "user");
    }
}
