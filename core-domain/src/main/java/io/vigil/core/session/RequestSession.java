package io.vigil.core.session;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import io.vigil.core.template.TemplateId;

/** What an engineer asks for. Admission (command side) turns it into {@link AdmitSession} with the facts it gathered. */
public record RequestSession(SessionId sessionId, UserId userId, TemplateId templateId, int durationMinutes,
                             SessionType sessionType) {
    public static final int MIN_MINUTES = 30;
    public static final int MAX_MINUTES = 240;

    public RequestSession {
        Check.present(sessionId, "session_id");
        Check.present(userId, "user");
        Check.present(templateId, "template_id");
        Check.range(durationMinutes, MIN_MINUTES, MAX_MINUTES, "duration_minutes");
        Check.present(sessionType, "session_type");
    }
}
