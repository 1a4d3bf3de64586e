package io.vigil.core.device;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.vigil.core.Check;
import io.vigil.core.DomainException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * When a camera takes pictures by itself: every {@code intervalSeconds}, or on a 5-field UNIX {@code cron}, optionally
 * only inside {@code windows}. Schedules are evaluated in the device's time zone, which the device holds.
 * A disabled trigger keeps its interval or cron so that enabling it again restores them.
 */
public record TriggerConfig(boolean enabled, Integer intervalSeconds, String cron, List<TimeWindow> windows) {

    public static final int MIN_INTERVAL_SECONDS = 10;
    public static final int MAX_INTERVAL_SECONDS = 7 * 24 * 3600;
    public static final int MAX_WINDOWS = 16;
    public static final TriggerConfig DISABLED = new TriggerConfig(false, null, null, List.of());

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final int MAX_CRON_STEPS = 100_000;

    public TriggerConfig {
        windows = windows == null ? List.of() : windows;
        if (windows.size() > MAX_WINDOWS) {
            throw DomainException.invalid("invalid_windows", "at most " + MAX_WINDOWS + " windows are allowed, got " + windows.size());
        }
        if (windows.stream().anyMatch(Objects::isNull)) {
            throw DomainException.invalid("invalid_windows", "windows must not contain empty entries; give days, from and to for each");
        }
        windows = List.copyOf(windows);
        if (intervalSeconds != null) {
            Check.range(intervalSeconds, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS, "interval_seconds");
        }
        cron = cron == null || cron.isBlank() ? null : cron.trim();
        if (cron != null) {
            parse(cron);
        }
        if (enabled && intervalSeconds == null && cron == null) {
            throw DomainException.invalid("invalid_trigger", "an enabled trigger needs interval_seconds or cron");
        }
        if (enabled && intervalSeconds != null && cron != null) {
            throw DomainException.invalid("invalid_trigger", "give interval_seconds or cron, not both");
        }
    }

    /** Parses a time zone id such as {@code Europe/Berlin}; an unknown one is refused with {@code invalid_time_zone}. */
    public static ZoneId zone(String id) {
        Check.present(id, "time_zone");
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw DomainException.invalid("invalid_time_zone",
                    "time_zone '" + id + "' is not a known time zone id, e.g. Europe/Berlin or UTC");
        }
    }

    /**
     * The first run strictly after {@code after} that lies inside a window (when there are windows), judged in the local
     * wall time of {@code zone}; empty when disabled or when nothing fires within a year.
     * <p>
     * Interval: {@code after + intervalSeconds}, or, when that is outside every window, the first instant after it that
     * is inside one (the next window opening). An opening whose wall time the clock skips in spring is taken at the
     * moment the clock jumps, if that moment is still inside the window.
     * <p>
     * Cron: cron-utils' next execution in {@code zone}, skipping executions outside the windows. Around DST changes:
     * <ul>
     * <li>Spring forward: a wall time the clock skips never fires. A daily {@code 30 2 * * *} in Europe/Berlin does not
     * run on 2026-03-29 (cron-utils does not move it to 03:00); <code>&#42;/30 * * * *</code> runs at 01:30+01:00 and
     * then 03:00+02:00, half an hour later in real time.</li>
     * <li>Fall back: cron-utils yields both passes through the repeated hour, and for a cron with a fixed hour it even
     * yields the second pass as the next execution after a run in the first pass (a daily {@code 0 2 * * *} asked after
     * 02:30+02:00 answers 02:00+01:00 the same night). Here a cron whose hour field is {@code *} follows real time and
     * runs in both passes (02:00+02:00, 02:30+02:00, 02:00+01:00, 02:30+01:00 for <code>&#42;/30 * * * *</code>); any
     * other cron runs only in the first pass, so a daily 02:30 runs once, at 02:30+02:00.</li>
     * </ul>
     */
    public Optional<Instant> nextRun(Instant after, ZoneId zone) {
        if (!enabled) {
            return Optional.empty();
        }
        ZonedDateTime start = after.atZone(zone);
        if (intervalSeconds != null) {
            return firstInWindow(start.plusSeconds(intervalSeconds)).map(ZonedDateTime::toInstant);
        }
        Cron parsed = parse(cron);
        ExecutionTime executions = ExecutionTime.forCron(parsed);
        boolean everyHour = parsed.retrieve(CronFieldName.HOUR).getExpression() instanceof Always;
        ZonedDateTime limit = start.plusYears(1);
        ZonedDateTime cursor = start;
        for (int step = 0; step < MAX_CRON_STEPS; step++) {
            Optional<ZonedDateTime> next = executions.nextExecution(cursor);
            if (next.isEmpty() || next.get().isAfter(limit)) {
                return Optional.empty();
            }
            ZonedDateTime run = next.get();
            if (!everyHour && isSecondPass(run)) {
                cursor = run;
            } else if (inWindow(run)) {
                return Optional.of(run.toInstant());
            } else {
                cursor = firstInWindow(run).map(open -> open.minusNanos(1)).filter(run::isBefore).orElse(run);
            }
        }
        return Optional.empty();
    }

    private static Cron parse(String cron) {
        try {
            return PARSER.parse(cron);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("invalid_cron",
                    "cron '" + cron + "' is not a valid 5-field cron expression (minute hour day-of-month month day-of-week): "
                            + e.getMessage());
        }
    }

    private static boolean isSecondPass(ZonedDateTime run) {
        return !run.getOffset().equals(run.withEarlierOffsetAtOverlap().getOffset());
    }

    /** Whether {@code at} lies inside the windows (always, without windows), in {@code zone}'s wall time. */
    public boolean allows(Instant at, ZoneId zone) {
        return inWindow(at.atZone(zone));
    }

    private boolean inWindow(ZonedDateTime at) {
        return windows.isEmpty() || windows.stream().anyMatch(w -> w.contains(at.toLocalDateTime()));
    }

    private Optional<ZonedDateTime> firstInWindow(ZonedDateTime candidate) {
        if (inWindow(candidate)) {
            return Optional.of(candidate);
        }
        LocalDate today = candidate.toLocalDate();
        return IntStream.rangeClosed(0, 7).mapToObj(today::plusDays)
                .flatMap(day -> windows.stream()
                        .filter(w -> w.days().contains(day.getDayOfWeek()))
                        .map(w -> opening(day.atTime(w.from()), candidate)))
                .filter(Objects::nonNull)
                .filter(this::inWindow)
                .min(Comparator.comparing(ZonedDateTime::toInstant));
    }

    /** The first instant not before {@code notBefore} whose wall time is {@code local}, or the jump over it; null if none. */
    private static ZonedDateTime opening(LocalDateTime local, ZonedDateTime notBefore) {
        ZoneId zone = notBefore.getZone();
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        ZonedDateTime at = transition != null && transition.isGap()
                ? transition.getInstant().atZone(zone)
                : ZonedDateTime.of(local, zone);
        if (at.isBefore(notBefore)) {
            at = at.withLaterOffsetAtOverlap();
        }
        return at.isBefore(notBefore) ? null : at;
    }
}
