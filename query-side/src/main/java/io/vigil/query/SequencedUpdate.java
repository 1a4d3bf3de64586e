package io.vigil.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * How the views take in an event: one row updated only if the event is newer than what the row last took in
 * ({@code last_sequence}), so an event handled twice, or late after a newer one, cannot roll the row back. The
 * statement only: the projection runs it, in its processor's transaction.
 *
 * @param sql  {@code UPDATE <table> SET <assignments>, last_sequence = ?, updated_at = ? WHERE <key> = ? AND
 *             last_sequence < ?} (table and column names come from code, never from a request)
 * @param args the assignments' values, then the sequence, the time, the key and the sequence again
 */
public record SequencedUpdate(String sql, Object[] args) {

    public static SequencedUpdate of(String table, String keyColumn, String key, long seq, Instant at,
                                     String assignments, Object... values) {
        Object[] args = new Object[values.length + 4];
        System.arraycopy(values, 0, args, 0, values.length);
        args[values.length] = seq;
        args[values.length + 1] = ts(at);
        args[values.length + 2] = key;
        args[values.length + 3] = seq;
        return new SequencedUpdate("UPDATE " + table + " SET " + assignments + ", last_sequence = ?, updated_at = ?"
                + " WHERE " + keyColumn + " = ? AND last_sequence < ?", args);
    }

    /** An instant as PostgreSQL's timestamptz parameter (UTC); null stays null. */
    public static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
