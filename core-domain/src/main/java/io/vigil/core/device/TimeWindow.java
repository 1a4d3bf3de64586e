package io.vigil.core.device;

import io.vigil.core.DomainException;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A weekly slot in the device's local wall time: on each of {@code days}, from {@code from} (inclusive) to {@code to}
 * (exclusive). A window cannot cross midnight; one over midnight is written as two windows.
 */
public record TimeWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    public TimeWindow {
        if (days == null || days.isEmpty() || days.stream().anyMatch(Objects::isNull)) {
            throw DomainException.invalid("invalid_window", "a window needs at least one day of the week, e.g. [\"MONDAY\"]");
        }
        if (from == null || to == null) {
            throw DomainException.invalid("invalid_window", "a window needs both from and to, as HH:mm local times");
        }
        if (!to.isAfter(from)) {
            throw DomainException.invalid("invalid_window",
                    "a window must end after it starts: " + from + "-" + to + "; split a window over midnight into two");
        }
        days = Collections.unmodifiableSet(EnumSet.copyOf(days));
    }

    public boolean contains(LocalDateTime local) {
        LocalTime time = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
    }
}
