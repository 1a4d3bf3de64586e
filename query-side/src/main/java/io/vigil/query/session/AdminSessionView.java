package io.vigil.query.session;

import java.time.Instant;

/**
 * A session with its internals, for admins: where the VM is, how provisioning went, what is left behind, and
 * how hibernation went ({@code lastError} also holds the reason of a hibernation that failed). Unlike the
 * engineers' view, {@code failureReason} and {@code resumeFailure} are the diagnostic texts (Proxmox's words,
 * VMIDs, nodes). {@code vmHeld} is false once the VM was destroyed, kept for its owner, lost or abandoned to the
 * reconciler ({@code vmAbandoned} says why).
 */
public record AdminSessionView(String id, String userId, String status, TemplateRef template, String nodeName,
                               Integer vmid, boolean vmHeld, String guestAddress, String connectionId,
                               String guacamoleUrl, Instant requestedAt, Instant expiresAt, Instant endedAt,
                               long timeRemainingSeconds, String failureCode, String failureReason, int retryAttempt,
                               String lastError, Instant hibernatesAt, Instant hibernatedAt,
                               String hibernationReason, String resumeFailure, String sessionType, String keptVm,
                               Instant teardownStartedAt, String vmAbandoned, long lastSequence, Instant updatedAt) {

    static AdminSessionView of(SessionRow row, Instant now) {
        return new AdminSessionView(row.sessionId(), row.userId(), row.statusName(),
                new TemplateRef(row.templateId(), row.templateName(), row.osType(), row.protocol()), row.nodeName(),
                row.vmid(), row.vmid() != null && row.vmDestroyedAt() == null, row.guestAddress(),
                row.connectionId(), row.guacamoleUrl(), row.requestedAt(), row.expiresAt(), row.endedAt(),
                row.timeRemainingSeconds(now), row.failureCode(), row.failureReason(), row.retryAttempt(),
                row.lastError(), row.hibernatesAt(), row.hibernatedAt(), row.hibernationReason(), row.resumeFailure(),
                row.sessionType() == null ? "ephemeral" : row.sessionType(), row.keptVmId(), row.teardownStartedAt(),
                row.vmAbandoned(), row.lastSequence(), row.updatedAt());
    }

    public record TemplateRef(String id, String name, String osType, String protocol) {
    }
}
