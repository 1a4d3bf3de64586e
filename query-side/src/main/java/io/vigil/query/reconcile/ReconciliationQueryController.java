package io.vigil.query.reconcile;

import io.vigil.query.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Past reconciliation runs that found something (or that an admin asked for), newest first, with their reports.
 * Admin-only by the rules on /api/v1/admin/**.
 */
@RestController
class ReconciliationQueryController {
    private final DatabaseClient db;
    private final QueryParameters parameters;

    ReconciliationQueryController(DatabaseClient db, QueryParameters parameters) {
        this.db = db;
        this.parameters = parameters;
    }

    /** The stored reports, as one JSON array (each already in the API's shape). */
    @GetMapping(path = "/api/v1/admin/reconciliations", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<String> runs(@RequestParam(required = false) String limit) {
        return db.sql("SELECT coalesce(json_agg(report ORDER BY started_at DESC), '[]'::json)::text AS runs FROM"
                        + " (SELECT report, started_at FROM reconciliation_view ORDER BY started_at DESC LIMIT :limit) r")
                .bind("limit", parameters.limit(limit))
                .map(row -> row.get("runs", String.class)).one();
    }
}
