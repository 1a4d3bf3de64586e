package io.vigil.core.device;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.DomainException;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TimeWindowTest {

    static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(DomainException.class)
                .satisfies(e -> assertThat(((DomainException) e).code()).isEqualTo("invalid_window"));
    }

    @Test
    void contains_its_start_but_not_its_end_on_its_days_only() {
        var window = new TimeWindow(Set.of(MONDAY, FRIDAY), LocalTime.of(8, 0), LocalTime.of(18, 0));
        // 2026-03-06 is a Friday, 2026-03-07 a Saturday
        assertThat(window.contains(LocalDateTime.parse("2026-03-06T08:00:00"))).isTrue();
        assertThat(window.contains(LocalDateTime.parse("2026-03-06T17:59:59.999"))).isTrue();
        assertThat(window.contains(LocalDateTime.parse("2026-03-06T18:00:00"))).isFalse();
        assertThat(window.contains(LocalDateTime.parse("2026-03-06T07:59:59"))).isFalse();
        assertThat(window.contains(LocalDateTime.parse("2026-03-07T12:00:00"))).isFalse();
    }

    @Test
    void a_window_ending_before_it_starts_is_refused_with_a_hint_about_midnight() {
        refused(() -> new TimeWindow(Set.of(MONDAY), LocalTime.of(18, 0), LocalTime.of(8, 0)))
                .hasMessage("a window must end after it starts: 18:00-08:00; split a window over midnight into two");
        refused(() -> new TimeWindow(Set.of(MONDAY), LocalTime.NOON, LocalTime.NOON)).hasMessageContaining("must end after it starts");
    }

    @Test
    void days_are_required() {
        refused(() -> new TimeWindow(Set.of(), LocalTime.of(8, 0), LocalTime.of(9, 0))).hasMessageContaining("at least one day");
        refused(() -> new TimeWindow(null, LocalTime.of(8, 0), LocalTime.of(9, 0))).hasMessageContaining("at least one day");
        var withNull = new HashSet<DayOfWeek>();
        withNull.add(null);
        refused(() -> new TimeWindow(withNull, LocalTime.of(8, 0), LocalTime.of(9, 0))).hasMessageContaining("at least one day");
    }

    @Test
    void from_and_to_are_required() {
        refused(() -> new TimeWindow(Set.of(MONDAY), null, LocalTime.of(9, 0))).hasMessageContaining("from and to");
        refused(() -> new TimeWindow(Set.of(MONDAY), LocalTime.of(8, 0), null)).hasMessageContaining("from and to");
    }

    @Test
    void days_are_an_unmodifiable_copy() {
        var days = EnumSet.of(MONDAY);
        var window = new TimeWindow(days, LocalTime.of(8, 0), LocalTime.of(9, 0));
        days.add(SATURDAY);
        assertThat(window.days()).containsExactly(MONDAY);
        assertThatThrownBy(() -> window.days().add(FRIDAY)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(window).isEqualTo(new TimeWindow(Set.of(MONDAY), LocalTime.of(8, 0), LocalTime.of(9, 0)));
    }
}
