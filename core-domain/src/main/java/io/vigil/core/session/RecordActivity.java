package io.vigil.core.session;

import io.vigil.core.Check;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Activity seen during an idle warning (a connection opened, or a heartbeat with newer input). */
public record RecordActivity(@TargetAggregateIdentifier SessionId sessionId, Instant at) {
    public RecordActivity {
        Check.present(sessionId, "session_id");
        Check.present(at, "at");
    }
}
