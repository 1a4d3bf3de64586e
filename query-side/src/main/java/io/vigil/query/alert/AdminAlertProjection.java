package io.vigil.query.alert;

import io.vigil.core.keptvm.KeptVmDeleted;
import io.vigil.core.session.AdminAlertRaised;
import java.time.Instant;
import java.time.ZoneOffset;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Admin alerts as raised. Keyed by the event's identifier, so handling an event twice stores it once. */
@Component
@ProcessingGroup(AdminAlertProjection.PROCESSING_GROUP)
public class AdminAlertProjection {
    public static final String PROCESSING_GROUP = "alert-views";
    private final JdbcTemplate jdbc;

    public AdminAlertProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(AdminAlertRaised e, EventMessage<?> message, @Timestamp Instant at) {
        jdbc.update("""
                        INSERT INTO admin_alert (id, session_id, message, raised_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO NOTHING""",
                message.getIdentifier(), e.sessionId().value(), e.message(), at.atOffset(ZoneOffset.UTC));
    }

    /** A kept VM whose removal gave up: the reconciler removes it, and admins should know. */
    @EventHandler
    void on(KeptVmDeleted e, EventMessage<?> message, @Timestamp Instant at) {
        if (e.failure() == null) {
            return;
        }
        jdbc.update("""
                        INSERT INTO admin_alert (id, subject, message, raised_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO NOTHING""",
                message.getIdentifier(), e.keptVmId().value(), "Kept VM " + e.keptVmId() + " (VMID " + e.vmid() + " on "
                        + e.node() + ", owner " + e.owner() + ") is no longer kept: " + e.failure(),
                at.atOffset(ZoneOffset.UTC));
    }
}
