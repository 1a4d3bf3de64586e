package io.vigil.query.session;

import static io.vigil.query.SequencedUpdate.ts;

import io.vigil.core.session.EndReason;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.SessionVmKept;
import io.vigil.core.session.TeardownStarted;
import io.vigil.core.session.VmAbandoned;
import io.vigil.core.session.VmLost;
import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.IdleWarningCancelled;
import io.vigil.core.session.IdleWarningIssued;
import io.vigil.core.session.ProvisioningRetryScheduled;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnded;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.SessionResumed;
import io.vigil.core.session.VmBooted;
import io.vigil.core.session.VmCloned;
import io.vigil.core.session.VmDestroyed;
import io.vigil.core.session.VmIdReserved;
import io.vigil.query.live.ChangeListener;
import java.time.Instant;
import java.util.Locale;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import io.vigil.query.SequencedUpdate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.stereotype.Component;

/**
 * Folds VmSession's events into {@code session_view}. Runs in the processor's JDBC transaction, next to the
 * token it advances, so a row and its token commit together.
 * <p>
 * A stolen token claim or a replay hands an event over a second time, so every write is guarded by the
 * aggregate sequence number: a row only moves forward. A row that moved wakes every instance's live streams
 * through {@code pg_notify}, which PostgreSQL delivers on commit (and never for a rolled-back batch).
 */
@Component
@ProcessingGroup(SessionViewProjection.PROCESSING_GROUP)
public class SessionViewProjection {
    public static final String PROCESSING_GROUP = "session-views";
    private static final ResultSetExtractor<Void> IGNORE = rs -> null;
    private final JdbcTemplate jdbc;

    public SessionViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionRequested e, @SequenceNumber long seq, @Timestamp Instant at) {
        int rows = jdbc.update("""
                        INSERT INTO session_view (session_id, user_id, status, template_id, template_name, os_type,
                            protocol, node_name, requested_at, expires_at, last_sequence, updated_at, session_type,
                            kept_vm_id, vmid)
                        VALUES (?, ?, 'provisioning', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (session_id) DO NOTHING""",
                e.sessionId().value(), e.userId().value(), e.templateId().value(), e.template().name(),
                lower(e.template().osType()), e.template().protocol().wireName(), e.node().value(),
                ts(e.requestedAt()), ts(e.expiresAt()), seq, ts(at),
                e.sessionType() == null ? null : lower(e.sessionType()),
                e.source() == null ? null : e.source().keptVmId(), e.source() == null ? null : e.source().vmid());
        notifyIf(rows, e.sessionId());
    }

    @EventHandler
    void on(VmIdReserved e, @SequenceNumber long seq, @Timestamp Instant at) {
        // A retry may reserve a new id after the previous VM was removed: that one no longer counts as gone.
        update(e.sessionId(), seq, at, "vmid = ?, node_name = ?, vm_destroyed_at = NULL", e.vmid(), e.node().value());
    }

    @EventHandler
    void on(VmCloned e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "vmid = ?, node_name = ?", e.vmid(), e.node().value());
    }

    @EventHandler
    void on(VmBooted e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "guest_address = ?", e.guestAddress());
    }

    @EventHandler
    void on(SessionActivated e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "status = 'active', connection_id = ?, guacamole_url = ?",
                e.connectionId(), e.clientUrl());
    }

    @EventHandler
    void on(ProvisioningRetryScheduled e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "retry_attempt = ?, last_error = ?", e.attempt(), e.reason());
    }

    /** {@code failure_reason} is the diagnostic text (admins); engineers see the code and its plain message. */
    @EventHandler
    void on(SessionFailed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "status = 'failed', failure_code = ?, failure_reason = ?, ended_at = ?",
                code(e.code()), e.reason(), ts(at));
    }

    @EventHandler
    void on(TeardownStarted e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "teardown_started_at = ?", ts(at));
    }

    /** The VM vanished outside Vigil: the session ends, and its user is told why. */
    @EventHandler
    void on(VmLost e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "failure_code = ?, last_error = ?, vm_destroyed_at = ?",
                FailureCode.VM_LOST.wire(), e.detail(), ts(at));
    }

    /** Teardown gave up: the session no longer holds the VM (the reconciler removes it); admins see why. */
    @EventHandler
    void on(VmAbandoned e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "vm_abandoned = ?, vm_destroyed_at = ?", e.detail(), ts(at));
    }

    @EventHandler
    void on(SessionVmKept e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "kept_vm_id = ?, vm_destroyed_at = ?", e.keptVmId(), ts(at));
    }

    /**
     * An ending session hibernates no more: a warning that was running is over. A resume that failed earlier no
     * longer says anything about the session; a lost VM (recorded just before) is why it ends.
     */
    @EventHandler
    void on(SessionEnding e, @SequenceNumber long seq, @Timestamp Instant at) {
        if (e.reason() == EndReason.VM_LOST) {
            update(e.sessionId(), seq, at, "status = 'ending', idle_since = NULL, hibernates_at = NULL");
        } else {
            update(e.sessionId(), seq, at, "status = 'ending', idle_since = NULL, hibernates_at = NULL,"
                    + " failure_code = NULL, resume_failure = NULL");
        }
    }

    // Hibernation and resume. The idle warning keeps the session active: it only changes what its user is told.

    @EventHandler
    void on(IdleWarningIssued e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "idle_since = ?, hibernates_at = ?", ts(e.idleSince()), ts(e.hibernatesAt()));
    }

    @EventHandler
    void on(IdleWarningCancelled e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "idle_since = NULL, hibernates_at = NULL");
    }

    @EventHandler
    void on(HibernationStarted e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at,
                "status = 'suspending', hibernation_reason = ?, idle_since = NULL, hibernates_at = NULL",
                lower(e.reason()));
    }

    /** The Guacamole connection is gone with the running VM: its id and client URL are no longer any use. */
    @EventHandler
    void on(SessionHibernated e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at,
                "status = 'hibernating', hibernated_at = ?, connection_id = NULL, guacamole_url = NULL", ts(at));
    }

    /** The VM still runs and its connection is still there: active again, the reason kept for admins. */
    @EventHandler
    void on(HibernationFailed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "status = 'active', hibernation_reason = NULL, last_error = ?", e.reason());
    }

    @EventHandler
    void on(ResumeStarted e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "status = 'resuming', resume_failure = NULL, failure_code = NULL");
    }

    @EventHandler
    void on(SessionResumed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "status = 'active', connection_id = ?, guacamole_url = ?, hibernated_at = NULL,"
                + " hibernation_reason = NULL, resume_failure = NULL, failure_code = NULL", e.connectionId(), e.clientUrl());
    }

    /**
     * Back to hibernating (hibernated_at stays the first suspension's); the user may try again. A VM that had
     * started goes back to disk first: a HibernationStarted follows in the same transaction.
     */
    @EventHandler
    void on(ResumeFailed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "status = 'hibernating', resume_failure = ?, failure_code = ?", e.reason(),
                code(e.code()));
    }

    @EventHandler
    void on(VmDestroyed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.sessionId(), seq, at, "vm_destroyed_at = ?", ts(at));
    }

    @EventHandler
    void on(SessionEnded e, @SequenceNumber long seq, @Timestamp Instant at) {
        String status = e.reason() == EndReason.EXPIRED ? "expired" : "ended";
        update(e.sessionId(), seq, at, "status = ?, ended_at = ?", status, ts(at));
    }

    private void update(SessionId id, long seq, Instant at, String assignments, Object... values) {
        SequencedUpdate update = SequencedUpdate.of("session_view", "session_id", id.value(), seq, at, assignments, values);
        notifyIf(jdbc.update(update.sql(), update.args()), id);
    }

    private void notifyIf(int rows, SessionId id) {
        if (rows > 0) {
            jdbc.query("SELECT pg_notify(?, ?)", IGNORE, ChangeListener.SESSIONS, id.value());
        }
    }

    /** A failure recorded before codes existed has none: it shows as {@code internal}. */
    private static String code(FailureCode code) {
        return (code == null ? FailureCode.INTERNAL : code).wire();
    }

    /** pgjdbc binds OffsetDateTime to timestamptz; it cannot infer a type for Instant. */

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
