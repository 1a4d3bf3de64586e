package io.vigil.platform.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.core.DomainException;
import io.vigil.core.device.TimeWindow;
import io.vigil.core.device.TriggerConfig;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A device's trigger configuration on the wire, the existing fleet's {@code {"enabled", "interval_seconds"}} plus
 * {@code cron} and {@code windows} ({@code [{"days": ["mon", ...], "from": "08:00", "to": "18:00"}]}). The same
 * shape is written by admins and read back by everyone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerConfigBody(Boolean enabled, Integer intervalSeconds, String cron, List<WindowBody> windows) {

    public TriggerConfig toConfig() {
        List<TimeWindow> parsed = windows == null ? List.of() : windows.stream().map(WindowBody::toWindow).toList();
        return new TriggerConfig(Boolean.TRUE.equals(enabled), intervalSeconds, cron, parsed);
    }

    public static TriggerConfigBody of(TriggerConfig config) {
        return new TriggerConfigBody(config.enabled(), config.intervalSeconds(), config.cron(),
                config.windows().stream().map(WindowBody::of).toList());
    }

    /** {@code to} is exclusive; {@code "24:00"} ends a window at midnight. */
    public record WindowBody(List<String> days, String from, String to) {
        private static final String MIDNIGHT = "24:00";

        TimeWindow toWindow() {
            if (days == null || days.isEmpty()) {
                throw invalid("a window needs days, e.g. [\"mon\", \"tue\"]");
            }
            Set<DayOfWeek> parsed = EnumSet.noneOf(DayOfWeek.class);
            days.forEach(d -> parsed.add(day(d)));
            return new TimeWindow(parsed, time(from, "from"), time(to, "to"));
        }

        static WindowBody of(TimeWindow window) {
            return new WindowBody(window.days().stream().sorted()
                    .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT)).toList(),
                    window.from().toString(), window.to().equals(LocalTime.MAX) ? MIDNIGHT : window.to().toString());
        }

        private static DayOfWeek day(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            for (DayOfWeek d : DayOfWeek.values()) {
                String full = d.name().toLowerCase(Locale.ROOT);
                if (t.length() >= 3 && full.startsWith(t)) {
                    return d;
                }
            }
            throw invalid("'" + text + "' is not a day of the week: use mon, tue, wed, thu, fri, sat, sun");
        }

        private static LocalTime time(String text, String field) {
            if (text == null) {
                throw invalid("a window needs '" + field + "', a time of day like 08:00");
            }
            if (field.equals("to") && text.trim().equals(MIDNIGHT)) {
                return LocalTime.MAX;
            }
            try {
                return LocalTime.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw invalid("'" + text + "' is not a time of day: use HH:mm, e.g. 08:00 or 18:30");
            }
        }

        private static DomainException invalid(String message) {
            return DomainException.invalid("invalid_window", message);
        }
    }
}
