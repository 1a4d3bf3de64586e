package io.vigil.command;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Captures ({@code vigil.captures.*}): uploads, their limits, evaluation and retention.
 *
 * @param maxImageSize the largest image an upload may carry (decoded, for base64 uploads)
 * @param rateLimit    uploads one device may make per window; beyond it a 429 with {@code Retry-After}
 * @param rateWindow   the window of {@code rateLimit}
 * @param dailyQuota   uploads an organisation may make per UTC day, unless {@code quotas} names it
 * @param quotas       daily quotas of named organisations
 * @param evaluation   the evaluation queue's workers and retries
 * @param retention    how long images are kept, and the sweeps that remove them
 */
@ConfigurationProperties("vigil.captures")
public record CaptureProperties(@DefaultValue("10MB") DataSize maxImageSize,
                                @DefaultValue("60") int rateLimit,
                                @DefaultValue("60s") Duration rateWindow,
                                @DefaultValue("1000000") long dailyQuota,
                                @DefaultValue Map<String, Long> quotas,
                                @DefaultValue Evaluation evaluation,
                                @DefaultValue Retention retention) {
    public CaptureProperties {
        quotas = quotas == null ? Map.of() : Map.copyOf(quotas);
        if (rateLimit < 1 || rateWindow.isNegative() || rateWindow.isZero()) {
            throw new IllegalArgumentException("vigil.captures.rate-limit must be at least 1 per a positive rate-window");
        }
    }

    public long quotaOf(String org) {
        return quotas.getOrDefault(org, dailyQuota);
    }

    /**
     * @param concurrency   evaluations running at once on one instance; 0 (the default): half the instance's
     *                      processors, at least one, so a backlog of evaluations never takes the CPU the uploads
     *                      need (an external evaluator waits on the network: raise it)
     * @param pollInterval  how often an idle worker looks for pending captures
     * @param lease         how long a claimed evaluation is held before another instance may take it over
     * @param maxAttempts   attempts before an evaluation that keeps failing transiently fails for good
     * @param retryDelay    the delay before the first retry; each next one doubles, up to {@code maxRetryDelay}
     * @param maxRetryDelay the longest delay between retries
     * @param backlogAlert  pending evaluations older than this raise an admin alert: the evaluator is falling behind
     */
    public record Evaluation(@DefaultValue("0") int concurrency,
                             @DefaultValue("250ms") Duration pollInterval,
                             @DefaultValue("2m") Duration lease,
                             @DefaultValue("4") int maxAttempts,
                             @DefaultValue("10s") Duration retryDelay,
                             @DefaultValue("10m") Duration maxRetryDelay,
                             @DefaultValue("10m") Duration backlogAlert) {
        /** The workers this instance runs. */
        public int workers() {
            return concurrency > 0 ? concurrency : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        }

        public Duration delayBefore(int attempt) {
            long factor = 1L << Math.min(20, Math.max(0, attempt - 1));
            Duration delay = retryDelay.multipliedBy(factor);
            return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
        }
    }

    /**
     * @param keep        how long an image is kept after its upload, unless {@code orgs} names the organisation
     * @param orgs        retention of named organisations
     * @param every       how often the purge and the orphan sweep run (one instance of the cluster at a time)
     * @param batchSize   captures one purge transaction takes
     * @param orphanGrace a blob no capture references is deleted only when older than this (an upload writes its
     *                    blob before its event)
     * @param minFreeDisk below this much free space in the blob store's file system, the oldest images go first
     *                    (whatever their retention) and an admin alert is raised
     */
    public record Retention(@DefaultValue("30d") Duration keep,
                            @DefaultValue Map<String, Duration> orgs,
                            @DefaultValue("1h") Duration every,
                            @DefaultValue("500") int batchSize,
                            @DefaultValue("1h") Duration orphanGrace,
                            @DefaultValue("1GB") DataSize minFreeDisk) {
        public Retention {
            orgs = orgs == null ? Map.of() : Map.copyOf(orgs);
        }

        public Duration of(String org) {
            return orgs.getOrDefault(org, keep);
        }
    }
}
