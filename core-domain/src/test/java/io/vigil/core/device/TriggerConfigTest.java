package io.vigil.core.device;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.DomainException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TriggerConfigTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final Set<DayOfWeek> WEEKDAYS = Set.of(MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY);
    static final TimeWindow OFFICE_HOURS = new TimeWindow(WEEKDAYS, LocalTime.of(8, 0), LocalTime.of(18, 0));

    static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable call, String code) {
        return assertThatThrownBy(call).isInstanceOf(DomainException.class)
                .satisfies(e -> assertThat(((DomainException) e).code()).isEqualTo(code));
    }

    static TriggerConfig every(int seconds, TimeWindow... windows) {
        return new TriggerConfig(true, seconds, null, List.of(windows));
    }

    static TriggerConfig cron(String cron, TimeWindow... windows) {
        return new TriggerConfig(true, null, cron, List.of(windows));
    }

    static Instant local(String localDateTime, ZoneId zone) {
        return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
    }

    static Instant at(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }

    static List<Instant> runs(TriggerConfig config, Instant after, ZoneId zone, int count) {
        var runs = new ArrayList<Instant>();
        for (Instant last = after; runs.size() < count; ) {
            last = config.nextRun(last, zone).orElseThrow();
            runs.add(last);
        }
        return runs;
    }

    // validation

    @Test
    void an_interval_below_ten_seconds_is_refused_and_ten_is_accepted() {
        refused(() -> every(9), "invalid_interval_seconds").hasMessageContaining("between 10 and 604800").hasMessageContaining("was 9");
        assertThat(every(10).intervalSeconds()).isEqualTo(10);
        assertThat(every(TriggerConfig.MAX_INTERVAL_SECONDS).intervalSeconds()).isEqualTo(604_800);
        refused(() -> every(604_801), "invalid_interval_seconds").hasMessageContaining("was 604801");
    }

    @Test
    void an_unparseable_cron_is_refused_with_the_reason() {
        refused(() -> cron("61 * * * *"), "invalid_cron")
                .hasMessageStartingWith("cron '61 * * * *' is not a valid 5-field cron expression")
                .hasMessageContaining("Value 61 not in range [0, 59]");
        refused(() -> cron("every morning"), "invalid_cron");
        refused(() -> cron("@daily"), "invalid_cron");
    }

    @Test
    void a_six_field_cron_is_refused() {
        refused(() -> cron("0 0 9 * * *"), "invalid_cron").hasMessageContaining("6 parts");
    }

    @Test
    void the_cron_is_trimmed_and_a_blank_one_counts_as_absent() {
        assertThat(cron("  0 9 * * 1-5 ").cron()).isEqualTo("0 9 * * 1-5");
        assertThat(new TriggerConfig(true, 60, "  ", null).cron()).isNull();
    }

    @Test
    void an_enabled_trigger_needs_exactly_one_of_interval_and_cron() {
        refused(() -> new TriggerConfig(true, null, null, null), "invalid_trigger")
                .hasMessage("an enabled trigger needs interval_seconds or cron");
        refused(() -> new TriggerConfig(true, 60, "0 9 * * *", null), "invalid_trigger")
                .hasMessage("give interval_seconds or cron, not both");
    }

    @Test
    void a_disabled_trigger_keeps_its_schedule_but_still_validates_it() {
        assertThat(TriggerConfig.DISABLED.windows()).isEmpty();
        var paused = new TriggerConfig(false, 60, "0 9 * * *", null);
        assertThat(paused.intervalSeconds()).isEqualTo(60);
        assertThat(paused.cron()).isEqualTo("0 9 * * *");
        refused(() -> new TriggerConfig(false, 5, null, null), "invalid_interval_seconds");
        refused(() -> new TriggerConfig(false, null, "0 25 * * *", null), "invalid_cron");
    }

    @Test
    void at_most_sixteen_windows_and_no_empty_ones() {
        assertThat(new TriggerConfig(true, 60, null, Collections.nCopies(16, OFFICE_HOURS)).windows()).hasSize(16);
        refused(() -> new TriggerConfig(true, 60, null, Collections.nCopies(17, OFFICE_HOURS)), "invalid_windows")
                .hasMessageContaining("at most 16");
        var withNull = new ArrayList<TimeWindow>();
        withNull.add(null);
        refused(() -> new TriggerConfig(true, 60, null, withNull), "invalid_windows");
    }

    @Test
    void windows_default_to_an_unmodifiable_empty_list() {
        assertThat(new TriggerConfig(true, 60, null, null).windows()).isEmpty();
        var windows = new ArrayList<>(List.of(OFFICE_HOURS));
        var config = new TriggerConfig(true, 60, null, windows);
        windows.clear();
        assertThat(config.windows()).containsExactly(OFFICE_HOURS);
        assertThatThrownBy(() -> config.windows().add(OFFICE_HOURS)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void a_time_zone_id_is_parsed_and_a_bad_one_refused() {
        assertThat(TriggerConfig.zone("Europe/Berlin")).isEqualTo(BERLIN);
        assertThat(TriggerConfig.zone("UTC")).isEqualTo(ZoneId.of("UTC"));
        refused(() -> TriggerConfig.zone("Mars/Base"), "invalid_time_zone")
                .hasMessage("time_zone 'Mars/Base' is not a known time zone id, e.g. Europe/Berlin or UTC");
        refused(() -> TriggerConfig.zone("not a zone!"), "invalid_time_zone");
        refused(() -> TriggerConfig.zone(null), "invalid_time_zone");
    }

    // interval schedule

    @Test
    void an_interval_runs_interval_seconds_after_the_last_run() {
        Instant after = Instant.parse("2026-03-06T10:15:30.250Z");
        assertThat(every(60).nextRun(after, BERLIN)).contains(Instant.parse("2026-03-06T10:16:30.250Z"));
        assertThat(every(60, OFFICE_HOURS).nextRun(after, BERLIN)).contains(Instant.parse("2026-03-06T10:16:30.250Z"));
    }

    @Test
    void an_interval_run_outside_the_windows_moves_to_the_next_window_opening() {
        Instant fridayEvening = local("2026-03-06T17:59:55", BERLIN);
        assertThat(every(10, OFFICE_HOURS).nextRun(fridayEvening, BERLIN)).contains(local("2026-03-09T08:00:00", BERLIN));
        assertThat(every(10, OFFICE_HOURS).nextRun(local("2026-03-09T06:00:00", BERLIN), BERLIN))
                .contains(local("2026-03-09T08:00:00", BERLIN));
        var lunch = new TimeWindow(WEEKDAYS, LocalTime.of(12, 0), LocalTime.of(13, 0));
        var evening = new TimeWindow(Set.of(MONDAY), LocalTime.of(19, 0), LocalTime.of(20, 0));
        assertThat(every(3600, evening, lunch).nextRun(local("2026-03-09T12:30:00", BERLIN), BERLIN))
                .contains(local("2026-03-09T19:00:00", BERLIN));
    }

    @Test
    void a_window_opening_in_the_spring_forward_gap_opens_when_the_clock_jumps() {
        var earlySunday = new TimeWindow(Set.of(SUNDAY), LocalTime.of(2, 30), LocalTime.of(4, 0));
        assertThat(every(10, earlySunday).nextRun(at("2026-03-29T01:00:00+01:00"), BERLIN))
                .contains(at("2026-03-29T03:00:00+02:00"));
    }

    @Test
    void a_window_opening_in_the_repeated_hour_is_not_moved_into_the_past() {
        var lateNight = new TimeWindow(Set.of(SUNDAY), LocalTime.of(2, 50), LocalTime.of(3, 30));
        assertThat(every(10, lateNight).nextRun(at("2026-10-25T02:20:00+02:00"), BERLIN)).contains(at("2026-10-25T02:50:00+02:00"));
        assertThat(every(10, lateNight).nextRun(at("2026-10-25T02:40:00+01:00"), BERLIN)).contains(at("2026-10-25T02:50:00+01:00"));
    }

    // cron schedule

    @Test
    void a_cron_runs_in_the_device_time_zone() {
        var weekdayMornings = cron("0 9 * * 1-5");
        Instant fridayNineNewYork = local("2026-03-06T09:00:00", NEW_YORK);
        assertThat(fridayNineNewYork).isEqualTo(Instant.parse("2026-03-06T14:00:00Z"));
        // the US switches to daylight saving time on Sunday 2026-03-08, so Monday 09:00 is 13:00 UTC
        assertThat(weekdayMornings.nextRun(fridayNineNewYork, NEW_YORK)).contains(Instant.parse("2026-03-09T13:00:00Z"));
        assertThat(weekdayMornings.nextRun(fridayNineNewYork.minusMillis(1), NEW_YORK)).contains(fridayNineNewYork);
        assertThat(weekdayMornings.nextRun(fridayNineNewYork, BERLIN)).contains(local("2026-03-09T09:00:00", BERLIN));
    }

    @Test
    void a_daily_cron_at_a_time_the_clock_skips_does_not_run_that_day() {
        assertThat(runs(cron("30 2 * * *"), local("2026-03-28T00:00:00", BERLIN), BERLIN, 3)).containsExactly(
                at("2026-03-28T02:30:00+01:00"),
                at("2026-03-30T02:30:00+02:00"),
                at("2026-03-31T02:30:00+02:00"));
    }

    @Test
    void a_half_hourly_cron_follows_real_time_over_spring_forward() {
        List<Instant> runs = runs(cron("*/30 * * * *"), at("2026-03-29T01:00:00+01:00"), BERLIN, 4);
        assertThat(runs).containsExactly(
                at("2026-03-29T01:30:00+01:00"),
                at("2026-03-29T03:00:00+02:00"),
                at("2026-03-29T03:30:00+02:00"),
                at("2026-03-29T04:00:00+02:00"));
        assertEvenlySpaced(runs, Duration.ofMinutes(30));
    }

    @Test
    void a_daily_cron_in_the_repeated_hour_runs_once_on_the_fall_back_day() {
        assertThat(runs(cron("30 2 * * *"), local("2026-10-24T12:00:00", BERLIN), BERLIN, 2)).containsExactly(
                at("2026-10-25T02:30:00+02:00"),
                at("2026-10-26T02:30:00+01:00"));
        // cron-utils alone would answer 02:00+01:00 / 02:30+01:00 the same night for these
        assertThat(cron("0 2 * * *").nextRun(at("2026-10-25T02:00:05+02:00"), BERLIN)).contains(at("2026-10-26T02:00:00+01:00"));
        assertThat(cron("30 2 * * *").nextRun(at("2026-10-25T02:45:00+02:00"), BERLIN)).contains(at("2026-10-26T02:30:00+01:00"));
        assertThat(cron("*/15 2 * * *").nextRun(at("2026-10-25T02:45:00+02:00"), BERLIN)).contains(at("2026-10-26T02:00:00+01:00"));
    }

    @Test
    void a_half_hourly_cron_runs_in_both_passes_of_the_repeated_hour_without_repeating_an_instant() {
        List<Instant> runs = runs(cron("*/30 * * * *"), at("2026-10-25T01:30:00+02:00"), BERLIN, 5);
        assertThat(runs).containsExactly(
                at("2026-10-25T02:00:00+02:00"),
                at("2026-10-25T02:30:00+02:00"),
                at("2026-10-25T02:00:00+01:00"),
                at("2026-10-25T02:30:00+01:00"),
                at("2026-10-25T03:00:00+01:00"));
        assertEvenlySpaced(runs, Duration.ofMinutes(30));
        assertThat(runs(cron("0 * * * *"), at("2026-10-25T01:30:00+02:00"), BERLIN, 3)).containsExactly(
                at("2026-10-25T02:00:00+02:00"),
                at("2026-10-25T02:00:00+01:00"),
                at("2026-10-25T03:00:00+01:00"));
    }

    @Test
    void a_cron_skips_executions_outside_the_windows() {
        var hourly = cron("0 * * * *", new TimeWindow(WEEKDAYS, LocalTime.of(8, 0), LocalTime.of(10, 0)));
        assertThat(runs(hourly, local("2026-03-06T07:30:00", BERLIN), BERLIN, 3)).containsExactly(
                local("2026-03-06T08:00:00", BERLIN),
                local("2026-03-06T09:00:00", BERLIN),
                local("2026-03-09T08:00:00", BERLIN));
        var everyMinute = cron("* * * * *", new TimeWindow(Set.of(SUNDAY), LocalTime.of(23, 58, 30), LocalTime.of(23, 59, 30)));
        assertThat(everyMinute.nextRun(local("2026-03-09T12:00:00", BERLIN), BERLIN)).contains(local("2026-03-15T23:59:00", BERLIN));
    }

    @Test
    void nothing_runs_when_disabled_or_when_nothing_fires_within_a_year() {
        Instant now = Instant.parse("2026-03-06T10:00:00Z");
        assertThat(TriggerConfig.DISABLED.nextRun(now, BERLIN)).isEmpty();
        assertThat(new TriggerConfig(false, 60, null, null).nextRun(now, BERLIN)).isEmpty();
        assertThat(cron("0 0 30 2 *").nextRun(now, BERLIN)).isEmpty();
        assertThat(cron("0 3 * * *", OFFICE_HOURS).nextRun(now, BERLIN)).isEmpty();
    }

    static void assertEvenlySpaced(List<Instant> runs, Duration step) {
        for (int i = 1; i < runs.size(); i++) {
            assertThat(Duration.between(runs.get(i - 1), runs.get(i))).isEqualTo(step);
        }
    }
}
