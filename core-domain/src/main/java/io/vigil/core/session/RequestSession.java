package io.vigil.core.session;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import io.vigil.core.template.TemplateId;

/**
 * What an engineer asks for: a new VM from a template, or ({@code fromVm}) one of the VMs they kept from an earlier
 * persistent session, which skips the clone (its template is the kept VM's, so {@code templateId} may be null).
 * Admission (command side) turns it into {@link AdmitSession} with the facts it gathered.
 */
public record RequestSession(SessionId sessionId, UserId userId, TemplateId templateId, int durationMinutes,
                             SessionType sessionType, String fromVm) {
    public static final int MIN_MINUTES = 30;
    public static final int MAX_MINUTES = 240;

    public RequestSession {
        Check.present(sessionId, "session_id");
        Check.present(userId, "user");
        if (fromVm == null) {
            Check.present(templateId, "template_id");
        } else {
            Check.matches(fromVm, "vigil-keep-[a-z0-9-]{1,60}", "from_vm", "must name one of your kept VMs");
            sessionType = SessionType.PERSISTENT;
        }
        Check.range(durationMinutes, MIN_MINUTES, MAX_MINUTES, "duration_minutes");
        Check.present(sessionType, "session_type");
    }

    public RequestSession(SessionId sessionId, UserId userId, TemplateId templateId, int durationMinutes,
                          SessionType sessionType) {
        this(sessionId, userId, templateId, durationMinutes, sessionType, null);
    }
}
