package io.vigil.query.alert;

import io.vigil.core.session.SessionId;
import io.vigil.query.QueryParameters;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** Recent alerts, newest first, optionally for one session. Admin-only by the rules on /api/v1/admin/**. */
@RestController
class AlertQueryController {
    private final DatabaseClient db;
    private final QueryParameters parameters;

    AlertQueryController(DatabaseClient db, QueryParameters parameters) {
        this.db = db;
        this.parameters = parameters;
    }

    @GetMapping("/api/v1/admin/alerts")
    Flux<AdminAlertView> alerts(@RequestParam(name = "session_id", required = false) String sessionId,
                                @RequestParam(required = false) String limit) {
        int max = parameters.limit(limit);
        String session = sessionId == null || sessionId.isBlank() ? null : new SessionId(sessionId.trim()).value();
        var spec = db.sql("SELECT * FROM admin_alert" + (session == null ? "" : " WHERE session_id = :session")
                + " ORDER BY raised_at DESC, id DESC LIMIT :limit").bind("limit", max);
        if (session != null) {
            spec = spec.bind("session", session);
        }
        return spec.map(row -> new AdminAlertView(row.get("id", String.class), row.get("session_id", String.class),
                row.get("subject", String.class),
                row.get("message", String.class), row.get("raised_at", java.time.Instant.class))).all();
    }
}
