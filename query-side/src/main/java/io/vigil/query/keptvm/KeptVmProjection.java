package io.vigil.query.keptvm;

import static io.vigil.query.SequencedUpdate.ts;

import io.vigil.core.keptvm.KeptVmDeleted;
import io.vigil.core.keptvm.KeptVmDeletionRequested;
import io.vigil.core.keptvm.KeptVmId;
import io.vigil.core.keptvm.KeptVmReturned;
import io.vigil.core.keptvm.KeptVmTaken;
import io.vigil.core.keptvm.VmKept;
import java.time.Instant;
import java.util.Locale;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import io.vigil.query.SequencedUpdate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Folds KeptVm's events into {@code kept_vm_view}; every write is guarded by the aggregate sequence number. */
@Component
@ProcessingGroup(KeptVmProjection.PROCESSING_GROUP)
public class KeptVmProjection {
    public static final String PROCESSING_GROUP = "kept-vm-views";
    private final JdbcTemplate jdbc;

    public KeptVmProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(VmKept e, @SequenceNumber long seq, @Timestamp Instant at) {
        jdbc.update("""
                        INSERT INTO kept_vm_view (kept_vm_id, owner, status, template_id, template_name, os_type, protocol,
                            node_name, vmid, kept_at, retained_until, from_session, last_sequence, updated_at)
                        VALUES (?, ?, 'kept', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kept_vm_id) DO NOTHING""",
                e.keptVmId().value(), e.owner().value(), e.templateId() == null ? null : e.templateId().value(),
                e.template().name(), e.template().osType().name().toLowerCase(Locale.ROOT), e.template().protocol().wireName(),
                e.node().value(), e.vmid(), ts(e.keptAt()), ts(e.retainUntil()),
                e.fromSession() == null ? null : e.fromSession().value(), seq, ts(at));
    }

    @EventHandler
    void on(KeptVmTaken e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.keptVmId(), seq, at, "status = 'in_use', session_id = ?, retained_until = NULL", e.sessionId().value());
    }

    @EventHandler
    void on(KeptVmReturned e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.keptVmId(), seq, at, "status = 'kept', session_id = NULL, retained_until = ?", ts(e.retainUntil()));
    }

    @EventHandler
    void on(KeptVmDeletionRequested e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.keptVmId(), seq, at, "status = 'deleting', retained_until = NULL, deletion_note = ?",
                e.reason().name().toLowerCase(Locale.ROOT));
    }

    @EventHandler
    void on(KeptVmDeleted e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.keptVmId(), seq, at, "status = 'deleted', session_id = NULL, deleted_at = ?,"
                + " deletion_note = coalesce(?, deletion_note)", ts(at), e.failure());
    }

    private void update(KeptVmId id, long seq, Instant at, String assignments, Object... values) {
        SequencedUpdate update = SequencedUpdate.of("kept_vm_view", "kept_vm_id", id.value(), seq, at, assignments, values);
        jdbc.update(update.sql(), update.args());
    }
}
