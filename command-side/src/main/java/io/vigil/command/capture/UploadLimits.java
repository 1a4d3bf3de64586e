package io.vigil.command.capture;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vigil.command.CaptureProperties;
import io.vigil.core.DomainException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The upload rate of each device (a fixed window) and the daily quota of each organisation, counted in Redis so
 * every instance counts the same uploads. One script per upload, atomic: a refused upload does not use the
 * organisation's quota.
 *
 * <p>When Redis does not answer, uploads go through uncounted (logged, at most once a minute): a limit that
 * protects the service should not be the reason a fleet's images are lost.
 */
@Component
public class UploadLimits {
    private static final Logger log = LoggerFactory.getLogger(UploadLimits.class);
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final String SCRIPT = """
            local d = redis.call('INCR', KEYS[1])
            if d == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            if d > tonumber(ARGV[1]) then return {1, redis.call('PTTL', KEYS[1])} end
            local o = redis.call('INCR', KEYS[2])
            if o == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
            if o > tonumber(ARGV[3]) then redis.call('DECR', KEYS[2]) return {2, redis.call('PTTL', KEYS[2])} end
            return {0, 0}""";
    private final StatefulRedisConnection<String, String> redis;
    private final CaptureProperties properties;
    private final Clock clock;
    private final AtomicLong lastWarning = new AtomicLong();

    public UploadLimits(StatefulRedisConnection<String, String> redis, CaptureProperties properties, Clock clock) {
        this.redis = redis;
        this.properties = properties;
        this.clock = clock;
    }

    /** Counts an upload; refuses it (429, with when to try again) over the device's rate or the org's quota. */
    public void count(String deviceId, String org) {
        Instant now = clock.instant();
        long windowMillis = properties.rateWindow().toMillis();
        long window = now.toEpochMilli() / windowMillis;
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long untilTomorrow = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - now.toEpochMilli();
        List<Object> answer;
        try {
            answer = redis.async().<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI,
                            new String[]{"vigil:upload-rate:" + deviceId + ":" + window, "vigil:upload-quota:" + org + ":" + day},
                            Integer.toString(properties.rateLimit()), Long.toString(windowMillis),
                            Long.toString(properties.quotaOf(org)), Long.toString(untilTomorrow))
                    .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            long last = lastWarning.get();
            if (now.toEpochMilli() - last > 60_000 && lastWarning.compareAndSet(last, now.toEpochMilli())) {
                log.warn("Upload limits are not counted: Redis does not answer ({}); uploads go through", e.toString());
            }
            return;
        }
        long verdict = (Long) answer.get(0);
        Duration retry = Duration.ofMillis(Math.max(1000, (Long) answer.get(1)));
        if (verdict == 1) {
            throw DomainException.rateLimited("upload_rate_exceeded", "Device '" + deviceId + "' may upload at most "
                    + properties.rateLimit() + " images per " + properties.rateWindow().toSeconds() + " s", retry);
        }
        if (verdict == 2) {
            throw DomainException.rateLimited("upload_quota_exceeded", "Organisation '" + org + "' used its quota of "
                    + properties.quotaOf(org) + " uploads today (UTC)", retry);
        }
    }
}
