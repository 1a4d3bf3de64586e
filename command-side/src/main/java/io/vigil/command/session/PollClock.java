package io.vigil.command.session;

import java.time.Duration;
import java.time.Instant;

/**
 * Back-off for waiting on Proxmox: the first look is almost immediate (a fast Proxmox costs milliseconds), then
 * the wait doubles up to a ceiling, and the whole wait is bounded. Kept in saga state, so it is plain data.
 */
public record PollClock(Instant startedAt, long nextDelayMillis) {

    static PollClock start(Instant now, Duration initial) {
        return new PollClock(now, initial.toMillis());
    }

    /** The wait before the next look; past {@code limit} it gives up instead, saying what it was waiting for. */
    Duration nextWait(Instant now, Duration limit, String waitingFor) {
        if (Duration.between(startedAt, now).compareTo(limit) > 0) {
            throw new StepFailure.TimedOut("Gave up after " + limit.toSeconds() + " s waiting for " + waitingFor);
        }
        return Duration.ofMillis(nextDelayMillis);
    }

    /** The clock for the look after next. */
    PollClock backedOff(Duration max) {
        return new PollClock(startedAt, Math.min(nextDelayMillis * 2, max.toMillis()));
    }
}
