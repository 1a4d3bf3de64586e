package io.vigil.command.session;

import java.time.Duration;
import java.time.Instant;
import org.axonframework.deadline.DeadlineManager;

/**
 * Back-off for waiting on Proxmox: the first look is almost immediate (a fast Proxmox costs milliseconds), then
 * the wait doubles up to a ceiling, and the whole wait is bounded. Kept in saga state, so it is plain data.
 */
public record PollClock(Instant startedAt, long nextDelayMillis) {

    static PollClock start(Instant now, Duration initial) {
        return new PollClock(now, initial.toMillis());
    }

    /**
     * Schedules the next look as the saga's deadline {@code deadlineName} and answers the clock for the one
     * after; past {@code limit} it gives up instead, saying what it was waiting for.
     */
    PollClock lookAgainLater(DeadlineManager deadlines, String deadlineName, Instant now, Duration limit,
                             Duration max, String waitingFor) {
        if (Duration.between(startedAt, now).compareTo(limit) > 0) {
            throw new StepFailure.TimedOut("Gave up after " + limit.toSeconds() + " s: " + waitingFor);
        }
        deadlines.schedule(Duration.ofMillis(nextDelayMillis), deadlineName);
        return new PollClock(startedAt, Math.min(nextDelayMillis * 2, max.toMillis()));
    }
}
