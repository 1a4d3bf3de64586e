package io.vigil.command.trigger;

import io.vigil.command.TriggerProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the event store at a window of trigger history: closed triggers issued longer ago than
 * {@code vigil.triggers.archive.after} have their events moved, unchanged, to {@code trigger_event_archive} (one
 * partition per day of issue), and archived days older than {@code vigil.triggers.archive.keep} are dropped whole.
 * A closed trigger is never loaded again (a late report about it is a 404), processors are far past its events,
 * and sessions, devices and open triggers never leave the event store. Why: docs/decisions/0008.
 */
@Component
public class TriggerArchiver {
    private static final Logger log = LoggerFactory.getLogger(TriggerArchiver.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TriggerProperties.Archive settings;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public TriggerArchiver(JdbcTemplate jdbc, PlatformTransactionManager transactions, TriggerProperties properties) {
        this(jdbc, new TransactionTemplate(transactions), properties.archive(), Clock.systemUTC());
    }

    public TriggerArchiver(JdbcTemplate jdbc, TransactionTemplate transactions, TriggerProperties.Archive settings,
                           Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.settings = settings;
        this.clock = clock;
    }

    /** One pass: archive everything due, batch by batch, then drop expired days. Answers the triggers archived. */
    public long run() {
        long moved = 0;
        if (!settings.after().isZero()) {
            for (int n; (n = archiveBatch()) > 0; ) {
                moved += n;
            }
        }
        int dropped = settings.keep().isZero() ? 0 : dropExpiredDays();
        if (moved > 0 || dropped > 0) {
            log.info("Archived {} closed triggers' events; dropped {} archived days", moved, dropped);
        }
        return moved;
    }

    int archiveBatch() {
        Integer n = transactions.execute(status -> {
            List<String> ids = jdbc.queryForList("""
                            SELECT trigger_id FROM trigger_closed WHERE issued_at < ? ORDER BY issued_at
                            LIMIT ? FOR UPDATE SKIP LOCKED""",
                    String.class, clock.instant().minus(settings.after()).atOffset(ZoneOffset.UTC), settings.batchSize());
            if (ids.isEmpty()) {
                return 0;
            }
            String[] batch = ids.toArray(String[]::new);
            jdbc.queryForList("""
                            SELECT DISTINCT issued_at::date FROM trigger_closed WHERE trigger_id = ANY(?)""",
                    java.sql.Date.class, (Object) batch).forEach(day -> partition(day.toLocalDate()));
            jdbc.update("""
                            WITH moved AS (
                                DELETE FROM domainevententry WHERE aggregateidentifier = ANY(?) RETURNING *)
                            INSERT INTO trigger_event_archive (issued_day, globalindex, aggregateidentifier, sequencenumber,
                                type, eventidentifier, metadata, payload, payloadrevision, payloadtype, "timestamp")
                            SELECT c.issued_at::date, m.globalindex, m.aggregateidentifier, m.sequencenumber, m.type,
                                   m.eventidentifier, m.metadata, m.payload, m.payloadrevision, m.payloadtype, m."timestamp"
                            FROM moved m JOIN trigger_closed c ON c.trigger_id = m.aggregateidentifier""",
                    (Object) batch);
            jdbc.update("DELETE FROM trigger_closed WHERE trigger_id = ANY(?)", (Object) batch);
            return ids.size();
        });
        return n == null ? 0 : n;
    }

    private void partition(LocalDate day) {
        jdbc.execute("CREATE TABLE IF NOT EXISTS trigger_event_archive_" + DAY.format(day)
                + " PARTITION OF trigger_event_archive FOR VALUES FROM ('" + day + "') TO ('" + day.plusDays(1) + "')");
    }

    private int dropExpiredDays() {
        LocalDate oldestKept = clock.instant().minus(settings.keep()).atOffset(ZoneOffset.UTC).toLocalDate();
        List<String> days = jdbc.queryForList("""
                        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                        JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'trigger_event_archive'""", String.class);
        int dropped = 0;
        for (String table : days) {
            LocalDate day = LocalDate.parse(table.substring(table.length() - 8), DAY);
            if (day.isBefore(oldestKept)) {
                jdbc.execute("DROP TABLE IF EXISTS " + table);
                dropped++;
            }
        }
        return dropped;
    }

    /** For the record: how long the event store keeps closed triggers. */
    public Duration window() {
        return settings.after();
    }
}
