package io.vigil.query.capture;

import io.vigil.core.capture.CaptureAlertRaised;
import io.vigil.query.alert.AdminAlertProjection;
import java.time.Instant;
import java.time.ZoneOffset;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Capture alerts (the evaluator behind, the blob store's disk) among the admins' alerts, keyed by event id. */
@Component
@ProcessingGroup(AdminAlertProjection.PROCESSING_GROUP)
public class CaptureAlertProjection {
    private final JdbcTemplate jdbc;

    public CaptureAlertProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(CaptureAlertRaised e, EventMessage<?> message, @Timestamp Instant at) {
        jdbc.update("""
                        INSERT INTO admin_alert (id, subject, message, raised_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO NOTHING""",
                message.getIdentifier(), e.subject(), e.message(), at.atOffset(ZoneOffset.UTC));
    }
}
