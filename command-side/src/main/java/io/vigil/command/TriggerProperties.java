package io.vigil.command;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Capture commands to devices ({@code vigil.triggers.*}).
 *
 * @param manualTtl       how long a person's "capture now" may take to be executed before it expires
 * @param resendDelays    when an unacknowledged command is sent again, each delay after the previous send
 *                        (never past the trigger's expiry); after the last one the trigger waits for its expiry
 * @param jitter          the fraction each re-send delay is moved by at random (0.25: ±25 %), so re-sends after an
 *                        outage do not arrive together
 * @param pollInterval    how often each instance looks for due re-sends and expiries
 * @param batchSize       how many due re-sends or expiries one poll claims at most
 * @param expiryLease     how long an instance holds the expiries it claimed before another may take them over
 * @param keepAlive       the comment sent on an idle device stream so proxies do not cut it
 * @param presenceRefresh how often an instance tells the others its device connections are still open
 * @param presenceTimeout a connection whose instance has not refreshed it for this long is gone (the instance died)
 * @param schedule        the scheduler of devices' own runs
 * @param archive         how long closed triggers stay in the event store, and their archive after it
 */
@ConfigurationProperties("vigil.triggers")
public record TriggerProperties(@DefaultValue("120s") Duration manualTtl,
                                @DefaultValue({"2s", "4s", "8s", "16s", "32s"}) List<Duration> resendDelays,
                                @DefaultValue("0.25") double jitter,
                                @DefaultValue("200ms") Duration pollInterval,
                                @DefaultValue("500") int batchSize,
                                @DefaultValue("30s") Duration expiryLease,
                                @DefaultValue("30s") Duration keepAlive,
                                @DefaultValue("20s") Duration presenceRefresh,
                                @DefaultValue("60s") Duration presenceTimeout,
                                @DefaultValue Schedule schedule,
                                @DefaultValue Archive archive) {
    public TriggerProperties {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("vigil.triggers.jitter must be in [0, 1), was " + jitter);
        }
        resendDelays = List.copyOf(resendDelays);
    }

    /**
     * @param after     a closed trigger's events leave the event store this long after it was issued (0: never)
     * @param keep      an archived day is dropped this long after it (0: never)
     * @param every     how often the archiver runs (one instance of the cluster at a time)
     * @param batchSize how many triggers one archiving transaction moves
     */
    public record Archive(@DefaultValue("7d") Duration after,
                          @DefaultValue("90d") Duration keep,
                          @DefaultValue("1h") Duration every,
                          @DefaultValue("2000") int batchSize) {
    }

    /**
     * @param pollInterval how often each instance looks for due runs (and goes on at once while it finds full batches)
     * @param batchSize    how many due devices one transaction claims
     * @param grace        a run missed by less than this still fires
     * @param spreadAfter  a run later than this was missed, and is spread rather than fired with all the others
     * @param spreadOver   the longest window missed runs are spread over
     * @param maxTtl       the longest time to live of a scheduled trigger (its interval when shorter)
     * @param minTtl       the shortest time to live of a scheduled trigger
     */
    public record Schedule(@DefaultValue("100ms") Duration pollInterval,
                           @DefaultValue("1000") int batchSize,
                           @DefaultValue("60s") Duration grace,
                           @DefaultValue("5s") Duration spreadAfter,
                           @DefaultValue("60s") Duration spreadOver,
                           @DefaultValue("10m") Duration maxTtl,
                           @DefaultValue("30s") Duration minTtl) {
        public io.vigil.core.trigger.SchedulePolicy policy() {
            return new io.vigil.core.trigger.SchedulePolicy(grace, spreadAfter, spreadOver, maxTtl, minTtl);
        }
    }
}
