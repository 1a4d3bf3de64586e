package io.vigil.query.reconcile;

import io.vigil.core.reconcile.ReconciliationCompleted;
import io.vigil.core.reconcile.ReconciliationReport;
import java.time.ZoneOffset;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Reconciliation runs with their reports, as the API shows them (snake_case JSON); one row per run. */
@Component
@ProcessingGroup(ReconciliationProjection.PROCESSING_GROUP)
public class ReconciliationProjection {
    public static final String PROCESSING_GROUP = "reconcile-views";
    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public ReconciliationProjection(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(ReconciliationCompleted e) {
        ReconciliationReport r = e.report();
        jdbc.update("""
                        INSERT INTO reconciliation_view (run_id, trigger, started_at, finished_at, vms_seen, findings, report)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)
                        ON CONFLICT (run_id) DO NOTHING""",
                r.runId(), r.trigger(), r.startedAt().atOffset(ZoneOffset.UTC), r.finishedAt().atOffset(ZoneOffset.UTC),
                r.vmsSeen(), r.findings().size(), json.writeValueAsString(r));
    }
}
