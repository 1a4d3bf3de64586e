package io.vigil.query.session;

import java.time.Instant;

/**
 * What a user sees of a session (DOMAIN.md §1): never the VMID, the guest's address, the Guacamole connection id,
 * or Proxmox's own error text. Also the {@code data} of every live event. {@code failureCode} and
 * {@code failureReason} say what went wrong, as a stable code and a plain sentence (the diagnostic text is the
 * admins'). {@code hibernatesAt} is set while an idle warning runs; {@code notice} says in a sentence what the
 * user should know now (a warning, hibernation, a failed resume), null when there is nothing to say. Both, like
 * the time remaining, are computed when the view is made.
 */
public record EngineerSessionView(String id, String status, TemplateSummary template, String nodeName,
                                  Instant requestedAt, Instant expiresAt, long timeRemainingSeconds,
                                  String guacamoleUrl, String failureCode, String failureReason, Instant hibernatesAt,
                                  String notice, String sessionType, String keptVm) {

    static EngineerSessionView of(SessionRow row, Instant now) {
        return new EngineerSessionView(row.sessionId(), row.statusName(),
                new TemplateSummary(row.templateName(), row.osType(), row.protocol()), row.nodeName(),
                row.requestedAt(), row.expiresAt(), row.timeRemainingSeconds(now), row.usableGuacamoleUrl(),
                row.userFailureCode(), row.userFailureMessage(), row.warnedHibernatesAt(), row.notice(now),
                row.sessionType() == null ? "ephemeral" : row.sessionType(), row.keptVmId());
    }

    public record TemplateSummary(String name, String osType, String protocol) {
    }
}
