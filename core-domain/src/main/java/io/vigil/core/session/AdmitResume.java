package io.vigil.core.session;

import io.vigil.core.Check;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A resume request with how many sessions the owner has counting toward a quota of {@code quota}. */
public record AdmitResume(@TargetAggregateIdentifier SessionId sessionId, ResumeSession request, int runningSessions,
                          int quota) {
    public AdmitResume {
        Check.present(sessionId, "session_id");
        Check.present(request, "request");
    }
}
