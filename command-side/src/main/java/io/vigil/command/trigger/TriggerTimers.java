package io.vigil.command.trigger;

import io.vigil.command.TriggerProperties;
import io.vigil.core.trigger.TriggerId;
import io.vigil.core.trigger.TriggerState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The timers of every trigger in flight, kept as due times in {@code trigger_inflight} and polled by every
 * instance: a due row is claimed with {@code FOR UPDATE SKIP LOCKED}, so each fires once whichever instances run,
 * and a row outlives any process. Re-sends are announced to the device's instance; expiries are claimed for a
 * lease and applied as one batch of steps, so that a crash between claim and expiry only delays them.
 */
@Component
public class TriggerTimers {
    private static final Logger log = LoggerFactory.getLogger(TriggerTimers.class);
    private final JdbcTemplate jdbc;
    private final TriggerSteps steps;
    private final TriggerProperties properties;
    private final DeviceCommandStreams streams;
    private final ObjectProvider<CommandPublisher> publishers;
    private final Double[] delays;
    private long lastPresenceRefresh;

    public TriggerTimers(JdbcTemplate jdbc, TriggerSteps steps, TriggerProperties properties,
                         DeviceCommandStreams streams, ObjectProvider<CommandPublisher> publishers) {
        this.publishers = publishers;
        this.jdbc = jdbc;
        this.steps = steps;
        this.properties = properties;
        this.streams = streams;
        this.delays = properties.resendDelays().stream().map(d -> d.toMillis() / 1000.0).toArray(Double[]::new);
    }

    @Scheduled(fixedDelayString = "${vigil.triggers.poll-interval:200ms}")
    public void poll() {
        try {
            resendDue();
            expireDue();
            if (System.nanoTime() - lastPresenceRefresh > properties.presenceRefresh().toNanos()) {
                streams.refreshPresence();
                lastPresenceRefresh = System.nanoTime();
            }
        } catch (RuntimeException e) {
            log.warn("Trigger timers could not run this time: {}", e.toString());
        }
    }

    /**
     * Claims due re-sends, moves each to its next delay (with jitter, never past its expiry; none after the last) and
     * announces its device, all in one statement; then publishes them. Answers how many were due.
     */
    int resendDue() {
        List<CommandPublisher.OutgoingCommand> due = jdbc.query("""
                        WITH due AS (
                            SELECT trigger_id FROM trigger_inflight WHERE next_send_at <= now()
                            ORDER BY next_send_at LIMIT ? FOR UPDATE SKIP LOCKED),
                        sent AS (
                            UPDATE trigger_inflight t SET sends = t.sends + 1,
                                next_send_at = (SELECT CASE WHEN n IS NULL OR n >= t.expires_at THEN NULL ELSE n END
                                    FROM (SELECT now() + make_interval(secs => (?::float8[])[t.sends + 2]
                                        * (1 + ? * (2 * random() - 1))) AS n) next)
                            FROM due WHERE t.trigger_id = due.trigger_id
                            RETURNING t.*)
                        """ + "SELECT " + CommandPublisher.OutgoingCommand.COLUMNS + " FROM sent, pg_notify(?, sent.device_id)",
                (rs, i) -> CommandPublisher.OutgoingCommand.read(rs),
                properties.batchSize(), delays, properties.jitter(), TriggerLedger.CHANNEL);
        if (!due.isEmpty()) {
            publishers.getIfAvailable(() -> CommandPublisher.NONE).publish(due);
        }
        return due.size();
    }

    /** Claims expired triggers for a lease, then expires each with its own command. Answers how many were due. */
    int expireDue() {
        List<String> due = jdbc.queryForList("""
                        UPDATE trigger_inflight SET expiry_claimed_until = now() + make_interval(secs => ?)
                        WHERE trigger_id IN (
                            SELECT trigger_id FROM trigger_inflight
                            WHERE expires_at <= now() AND (expiry_claimed_until IS NULL OR expiry_claimed_until < now())
                            ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)
                        RETURNING trigger_id""",
                String.class, (double) properties.expiryLease().toSeconds(), properties.batchSize());
        List<CompletableFuture<TriggerState>> expiring = due.stream()
                .map(id -> steps.submit(new TriggerSteps.Expire(new TriggerId(id)))).toList();
        for (int i = 0; i < expiring.size(); i++) {
            try {
                expiring.get(i).get(properties.expiryLease().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("Could not expire trigger {} (retried after the lease): {}", due.get(i), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return due.size();
    }
}
