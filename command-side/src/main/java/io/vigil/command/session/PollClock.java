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

    boolean expired(Instant now, Duration limit) {
        return Duration.between(startedAt, now).compareTo(limit) > 0;
    }

    Duration delay() {
        return Duration.ofMillis(nextDelayMillis);
    }

    PollClock next(Duration max) {
        return new PollClock(startedAt, Math.min(nextDelayMillis * 2, max.toMillis()));
    }
}
