package io.vigil.query.session;

import io.r2dbc.spi.Readable;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One {@code session_view} row as read through R2DBC; the API shapes are made from it, never the row itself. */
record SessionRow(String sessionId, String userId, SessionStatus status, String templateId, String templateName,
                  String osType, String protocol, String nodeName, Integer vmid, Instant vmDestroyedAt,
                  String guestAddress, String connectionId, String guacamoleUrl, Instant requestedAt,
                  Instant expiresAt, Instant endedAt, String failureReason, int retryAttempt, String lastError,
                  Instant idleSince, Instant hibernatesAt, Instant hibernatedAt, String hibernationReason,
                  String resumeFailure, long lastSequence, Instant updatedAt, String failureCode, String sessionType,
                  String keptVmId, Instant teardownStartedAt, String vmAbandoned) {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    static SessionRow from(Readable row) {
        Integer retry = row.get("retry_attempt", Integer.class);
        Long seq = row.get("last_sequence", Long.class);
        return new SessionRow(
                row.get("session_id", String.class),
                row.get("user_id", String.class),
                parseWire(row.get("status", String.class)),
                row.get("template_id", String.class),
                row.get("template_name", String.class),
                row.get("os_type", String.class),
                row.get("protocol", String.class),
                row.get("node_name", String.class),
                row.get("vmid", Integer.class),
                row.get("vm_destroyed_at", Instant.class),
                row.get("guest_address", String.class),
                row.get("connection_id", String.class),
                row.get("guacamole_url", String.class),
                row.get("requested_at", Instant.class),
                row.get("expires_at", Instant.class),
                row.get("ended_at", Instant.class),
                row.get("failure_reason", String.class),
                retry == null ? 0 : retry,
                row.get("last_error", String.class),
                row.get("idle_since", Instant.class),
                row.get("hibernates_at", Instant.class),
                row.get("hibernated_at", Instant.class),
                row.get("hibernation_reason", String.class),
                row.get("resume_failure", String.class),
                seq == null ? 0 : seq,
                row.get("updated_at", Instant.class),
                row.get("failure_code", String.class),
                row.get("session_type", String.class),
                row.get("kept_vm_id", String.class),
                row.get("teardown_started_at", Instant.class),
                row.get("vm_abandoned", String.class));
    }

    /**
     * The code of what went wrong that the user should know about: why it failed, why it ended (its VM was lost),
     * why the last resume failed. Null when nothing did.
     */
    String userFailureCode() {
        return switch (status) {
            case FAILED -> failureCode == null ? FailureCode.INTERNAL.wire() : failureCode;
            case ENDING, ENDED, HIBERNATING, SUSPENDING -> failureCode;
            default -> null;
        };
    }

    /** The plain sentence for {@link #userFailureCode()}: never Proxmox's text, a VMID or a node path. */
    String userFailureMessage() {
        String code = userFailureCode();
        return code == null ? null : FailureCode.parse(code).message();
    }

    boolean ownedBy(String user) {
        return userId.equals(user);
    }

    /**
     * Seconds until expiry while the session is live (hibernating included: it keeps its end time); 0 once it is
     * ending or over, or when the deadline has passed.
     */
    long timeRemainingSeconds(Instant now) {
        if (!status.live()) {
            return 0;
        }
        return Math.max(0, Duration.between(now, expiresAt).toSeconds());
    }

    /** The client URL is only worth anything while the session is active. */
    String usableGuacamoleUrl() {
        return status == SessionStatus.ACTIVE ? guacamoleUrl : null;
    }

    /** When the running idle warning hibernates the session; null unless one runs (only while active). */
    Instant warnedHibernatesAt() {
        return status == SessionStatus.ACTIVE ? hibernatesAt : null;
    }

    /** What the user should be told about the session now, in a sentence; null when there is nothing to say. */
    String notice(Instant now) {
        return switch (status) {
            case ACTIVE -> {
                Instant at = warnedHibernatesAt();
                if (at == null) {
                    yield null;
                }
                long minutes = Math.max(1, (Duration.between(now, at).toSeconds() + 59) / 60);
                String since = idleSince == null ? "No activity" : "No activity since " + CLOCK.format(idleSince);
                yield since + ": hibernating in " + minutes + (minutes == 1 ? " minute" : " minutes")
                        + " unless you use it";
            }
            case SUSPENDING -> resumeFailure != null
                    ? "Resume failed: " + withoutFinalStop(resumeFailureMessage()) + ". Putting it back to sleep…"
                    : "Hibernating…";
            case HIBERNATING -> resumeFailure != null
                    ? "Resume failed: " + withoutFinalStop(resumeFailureMessage()) + ". You can try again."
                    : "Hibernated" + (hibernationReason == null ? "" : " (" + hibernationReason + ")")
                            + ": resume it with POST /api/v1/sessions/" + sessionId + "/resume";
            case RESUMING -> "Resuming…";
            default -> null;
        };
    }

    private String resumeFailureMessage() {
        return (failureCode == null ? FailureCode.RESUME_FAILED : FailureCode.parse(failureCode)).message();
    }

    private static String withoutFinalStop(String text) {
        String trimmed = text.strip();
        return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    String statusName() {
        return wire(status);
    }

    static String wire(SessionStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    static SessionStatus parseWire(String status) {
        return SessionStatus.valueOf(status.toUpperCase(Locale.ROOT));
    }
}
