package io.vigil.query.session;

import java.time.Instant;

/**
 * A session with its internals, for admins: where the VM is, how provisioning went, what is left behind, and
 * how hibernation went ({@code lastError} also holds the reason of a hibernation that failed).
 */
public record AdminSessionView(String id, String userId, String status, TemplateRef template, String nodeName,
                               Integer vmid, boolean vmHeld, String guestAddress, String connectionId,
                               String guacamoleUrl, Instant requestedAt, Instant expiresAt, Instant endedAt,
                               long timeRemainingSeconds, String failureReason, int retryAttempt,
                               String lastError, Instant hibernatesAt, Instant hibernatedAt,
                               String hibernationReason, String resumeFailure, long lastSequence,
                               Instant updatedAt) {

    static AdminSessionView of(SessionRow row, Instant now) {
        return new AdminSessionView(row.sessionId(), row.userId(), row.statusName(),
                new TemplateRef(row.templateId(), row.templateName(), row.osType(), row.protocol()), row.nodeName(),
                row.vmid(), row.vmid() != null && row.vmDestroyedAt() == null, row.guestAddress(),
                row.connectionId(), row.guacamoleUrl(), row.requestedAt(), row.expiresAt(), row.endedAt(),
                row.timeRemainingSeconds(now), row.failureReason(), row.retryAttempt(), row.lastError(),
                row.hibernatesAt(), row.hibernatedAt(), row.hibernationReason(), row.resumeFailure(),
                row.lastSequence(), row.updatedAt());
    }

    public record TemplateRef(String id, String name, String osType, String protocol) {
    }
}
