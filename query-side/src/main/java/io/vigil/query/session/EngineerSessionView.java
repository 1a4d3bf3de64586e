package io.vigil.query.session;

import java.time.Instant;

/**
 * What a user sees of a session (DOMAIN.md §1): never the VMID, the guest's address or the Guacamole
 * connection id. Also the {@code data} of every live event. {@code hibernatesAt} is set while an idle warning
 * runs; {@code notice} says in a sentence what the user should know now (a warning, hibernation, a failed
 * resume), null when there is nothing to say. Both, like the time remaining, are computed when the view is made.
 */
public record EngineerSessionView(String id, String status, TemplateSummary template, String nodeName,
                                  Instant requestedAt, Instant expiresAt, long timeRemainingSeconds,
                                  String guacamoleUrl, String failureReason, Instant hibernatesAt,
                                  String notice) {

    static EngineerSessionView of(SessionRow row, Instant now) {
        return new EngineerSessionView(row.sessionId(), row.statusName(),
                new TemplateSummary(row.templateName(), row.osType(), row.protocol()), row.nodeName(),
                row.requestedAt(), row.expiresAt(), row.timeRemainingSeconds(now), row.usableGuacamoleUrl(),
                row.failureReason(), row.warnedHibernatesAt(), row.notice(now));
    }

    public record TemplateSummary(String name, String osType, String protocol) {
    }
}
