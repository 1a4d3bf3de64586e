package io.vigil.core.session;

import io.vigil.core.Check;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The activity sweep saw neither an open connection nor a heartbeat since {@code idleSince}. */
public record WarnIdle(@TargetAggregateIdentifier SessionId sessionId, Instant idleSince, Instant hibernatesAt) {
    public WarnIdle {
        Check.present(sessionId, "session_id");
        Check.present(idleSince, "idle_since");
        Check.present(hibernatesAt, "hibernates_at");
    }
}
