package io.vigil.core.session;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Someone asks to resume a hibernating session; admission counts the owner's quota and sends {@link AdmitResume}. */
public record ResumeSession(@TargetAggregateIdentifier SessionId sessionId, UserId requestedBy, boolean admin) {
    public ResumeSession {
        Check.present(sessionId, "session_id");
        Check.present(requestedBy, "user");
    }
}
