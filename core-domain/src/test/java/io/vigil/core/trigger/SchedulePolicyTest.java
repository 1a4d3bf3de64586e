package io.vigil.core.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.device.TimeWindow;
import io.vigil.core.device.TriggerConfig;
import io.vigil.core.trigger.SchedulePolicy.Decision;
import io.vigil.core.trigger.SchedulePolicy.Outcome;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulePolicyTest {
    static final ZoneId UTC = ZoneOffset.UTC;
    static final TriggerConfig MINUTE = new TriggerConfig(true, 60, null, null);
    static final Instant DUE = Instant.parse("2026-12-02T10:00:00Z");
    final SchedulePolicy policy = SchedulePolicy.DEFAULT;

    @Test
    void an_on_time_run_fires_and_keeps_its_cadence() {
        Decision d = policy.decide(MINUTE, UTC, DUE, DUE.plusMillis(150), false, 0.5);
        assertThat(d.outcome()).isEqualTo(Outcome.FIRE);
        assertThat(d.runAt()).isEqualTo(DUE);
        assertThat(d.nextRunAt()).isEqualTo(DUE.plusSeconds(60));
        assertThat(d.ttl()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void a_run_missed_by_less_than_the_grace_time_still_fires_spread_over_the_window() {
        Decision d = policy.decide(MINUTE, UTC, DUE, DUE.plusSeconds(40), false, 0.25);
        assertThat(d.outcome()).isEqualTo(Outcome.SPREAD);
        assertThat(d.nextRunAt()).isEqualTo(DUE.plusSeconds(40).plusSeconds(15));
        Decision later = policy.decide(MINUTE, UTC, d.nextRunAt(), d.nextRunAt().plusMillis(100), false, 0.9);
        assertThat(later.outcome()).isEqualTo(Outcome.FIRE);
    }

    @Test
    void runs_missed_during_a_downtime_coalesce_into_one() {
        Instant back = DUE.plus(Duration.ofHours(3)).plusSeconds(20);
        Decision d = policy.decide(MINUTE, UTC, DUE, back, false, 0.0);
        // one run (the latest within the grace time), not 180: it is spread, then fires once
        assertThat(d.outcome()).isEqualTo(Outcome.SPREAD);
        assertThat(d.runAt()).isEqualTo(DUE.plus(Duration.ofHours(3)));
        assertThat(d.nextRunAt()).isEqualTo(back);
    }

    @Test
    void a_run_missed_by_more_than_the_grace_time_is_skipped() {
        TriggerConfig daily = new TriggerConfig(true, null, "0 10 * * *", null);
        Decision d = policy.decide(daily, UTC, DUE, DUE.plus(Duration.ofMinutes(5)), false, 0.5);
        assertThat(d.outcome()).isEqualTo(Outcome.SKIPPED_MISSED);
        assertThat(d.nextRunAt()).isEqualTo(DUE.plus(Duration.ofDays(1)));
    }

    @Test
    void a_device_with_a_trigger_in_flight_skips_the_run() {
        Decision d = policy.decide(MINUTE, UTC, DUE, DUE.plusMillis(100), true, 0.5);
        assertThat(d.outcome()).isEqualTo(Outcome.SKIPPED_IN_FLIGHT);
        assertThat(d.nextRunAt()).isEqualTo(DUE.plusMillis(100).plusSeconds(60));
    }

    @Test
    void time_to_live_is_the_interval_bounded_by_the_minimum_and_maximum() {
        TriggerConfig tenSeconds = new TriggerConfig(true, 10, null, null);
        TriggerConfig hourly = new TriggerConfig(true, 3600, null, null);
        assertThat(policy.decide(tenSeconds, UTC, DUE, DUE, false, 0).ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.decide(hourly, UTC, DUE, DUE, false, 0).ttl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void the_next_run_respects_the_windows() {
        TriggerConfig officeHours = new TriggerConfig(true, 60, null,
                List.of(new TimeWindow(Set.of(DayOfWeek.WEDNESDAY), LocalTime.of(8, 0), LocalTime.of(10, 0, 30))));
        Decision d = policy.decide(officeHours, UTC, DUE, DUE, false, 0);
        assertThat(d.outcome()).isEqualTo(Outcome.FIRE);
        assertThat(d.nextRunAt()).isEqualTo(Instant.parse("2026-12-09T08:00:00Z"));
    }

    @Test
    void a_disabled_trigger_has_no_run_and_first_runs_are_spread_over_the_first_interval() {
        assertThat(policy.decide(TriggerConfig.DISABLED, UTC, DUE, DUE, false, 0).outcome()).isEqualTo(Outcome.NONE);
        assertThat(SchedulePolicy.firstRun(MINUTE, UTC, DUE, 0.0)).contains(DUE);
        assertThat(SchedulePolicy.firstRun(MINUTE, UTC, DUE, 0.5)).contains(DUE.plusSeconds(30));
        TriggerConfig cron = new TriggerConfig(true, null, "*/5 * * * *", null);
        assertThat(SchedulePolicy.firstRun(cron, UTC, DUE.plusSeconds(1), 0.7)).contains(DUE.plus(Duration.ofMinutes(5)));
    }
}
