package io.vigil.query.session;

import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads {@code session_view} without blocking: R2DBC, on the event loop. */
@Component
public class SessionViewReader {
    private final DatabaseClient db;

    public SessionViewReader(DatabaseClient db) {
        this.db = db;
    }

    Mono<SessionRow> find(SessionId id) {
        return db.sql("SELECT * FROM session_view WHERE session_id = :id")
                .bind("id", id.value())
                .map(SessionRow::from)
                .one();
    }

    /** Newest first; {@code status} and {@code user} narrow the list when given. */
    Flux<SessionRow> list(SessionStatus status, String user, int limit) {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        if (status != null) {
            conditions.add("status = :status");
            values.put("status", SessionRow.wire(status));
        }
        if (user != null) {
            conditions.add("user_id = :user");
            values.put("user", user);
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT * FROM session_view" + where
                + " ORDER BY requested_at DESC, session_id DESC LIMIT :limit").bind("limit", limit);
        for (Map.Entry<String, Object> value : values.entrySet()) {
            spec = spec.bind(value.getKey(), value.getValue());
        }
        return spec.map(SessionRow::from).all();
    }
}
