package io.vigil.core.trigger;

import io.vigil.core.device.TriggerConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What the scheduler does with a device whose run is due, the rules users know from APScheduler: a run missed by
 * less than the grace time still fires; runs missed during a downtime coalesce into one (the latest within the
 * grace time), and that one is spread over a short window instead of firing with every other device at once; at
 * most one trigger per device is in flight, so a run that finds one is skipped. Pure: the caller passes the time
 * and a random number.
 *
 * @param grace       how late a run may be and still fire
 * @param spreadAfter a run later than this was missed (a downtime or a backlog), not merely polled late: it is
 *                    moved to a random moment within {@code spreadOver} instead of firing now
 * @param spreadOver  the longest window missed runs are spread over (never longer than the device's interval)
 * @param maxTtl      the longest time to live of a scheduled trigger (its interval when shorter)
 * @param minTtl      the shortest time to live of a scheduled trigger
 */
public record SchedulePolicy(Duration grace, Duration spreadAfter, Duration spreadOver, Duration maxTtl, Duration minTtl) {

    public static final SchedulePolicy DEFAULT = new SchedulePolicy(Duration.ofSeconds(60), Duration.ofSeconds(5),
            Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(30));

    public enum Outcome {
        /** Fire now: a trigger for the run at {@code runAt}. */
        FIRE,
        /** A missed run, moved to {@code nextRunAt} so that missed devices do not all fire at once. */
        SPREAD,
        /** The device still has a trigger in flight: this run does not happen. */
        SKIPPED_IN_FLIGHT,
        /** Missed by more than the grace time: this run does not happen. */
        SKIPPED_MISSED,
        /** Nothing more to run (disabled, or no run within a year). */
        NONE
    }

    /**
     * @param runAt     the run this decision is about (fired or skipped); null for NONE
     * @param nextRunAt when to look at the device again; null when it has no next run
     * @param ttl       the trigger's time to live, for FIRE
     */
    public record Decision(Outcome outcome, Instant runAt, Instant nextRunAt, Duration ttl) {
    }

    /** {@code due}: the run the scheduler found due; {@code random}: uniform in [0, 1). */
    public Decision decide(TriggerConfig config, ZoneId zone, Instant due, Instant now, boolean inFlight, double random) {
        if (!config.enabled()) {
            return new Decision(Outcome.NONE, null, null, null);
        }
        Duration late = Duration.between(due, now);
        Instant run = due;
        if (late.compareTo(grace) > 0) {
            Optional<Instant> latest = latestMissed(config, zone, due, now).filter(r -> !r.isBefore(now.minus(grace)));
            if (latest.isEmpty()) {
                return new Decision(Outcome.SKIPPED_MISSED, due, next(config, zone, now), null);
            }
            run = latest.get();
            late = Duration.between(run, now);
        }
        if (inFlight) {
            return new Decision(Outcome.SKIPPED_IN_FLIGHT, run, next(config, zone, now), null);
        }
        Instant following = config.nextRun(run, zone).orElse(null);
        if (late.compareTo(spreadAfter) > 0) {
            Duration window = following == null ? spreadOver : min(spreadOver, Duration.between(run, following));
            Instant spread = now.plusMillis((long) (random * window.toMillis()));
            return new Decision(Outcome.SPREAD, run, spread, null);
        }
        Duration interval = following == null ? maxTtl : Duration.between(run, following);
        Duration ttl = max(min(interval, maxTtl), minTtl);
        return new Decision(Outcome.FIRE, run, following, ttl);
    }

    /** The first run of a device whose schedule starts now: interval schedules start at a random point of their
     * first interval, so that devices registered together do not fire together; cron runs at its wall-clock times. */
    public static Optional<Instant> firstRun(TriggerConfig config, ZoneId zone, Instant now, double random) {
        if (config.enabled() && config.intervalSeconds() != null) {
            long offset = (long) (random * config.intervalSeconds() * 1000);
            return config.nextRun(now.minusMillis(config.intervalSeconds() * 1000L - offset), zone)
                    .map(r -> r.isBefore(now) ? now : r);
        }
        return config.nextRun(now, zone);
    }

    /** The latest run at or before {@code now}: interval runs keep the cadence of {@code due}, cron runs the clock's. */
    private Optional<Instant> latestMissed(TriggerConfig config, ZoneId zone, Instant due, Instant now) {
        if (config.intervalSeconds() != null) {
            long interval = config.intervalSeconds() * 1000L;
            Instant latest = due.plusMillis(Duration.between(due, now).toMillis() / interval * interval);
            return config.allows(latest, zone) ? Optional.of(latest) : Optional.empty();
        }
        return config.nextRun(now.minus(grace), zone).filter(r -> !r.isAfter(now));
    }

    private static Instant next(TriggerConfig config, ZoneId zone, Instant now) {
        return config.nextRun(now, zone).orElse(null);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
