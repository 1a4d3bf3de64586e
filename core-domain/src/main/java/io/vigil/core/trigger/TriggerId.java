package io.vigil.core.trigger;

import com.github.f4b6a3.ulid.UlidCreator;
import io.vigil.core.Check;
import java.util.Locale;

/**
 * A capture command's id: the device echoes it in its ack and its upload. New ids are the type and a ULID
 * ({@code manual_01JD...}); ids the existing fleet made ({@code sched_FLOOR1_20251109_140530}) fit the same shape.
 */
public record TriggerId(String value) {
    public TriggerId {
        Check.matches(value, "[A-Za-z0-9][A-Za-z0-9_-]{0,99}", "trigger_id", "must be 1-100 letters, digits, _ or -");
    }

    public static TriggerId next(TriggerType type) {
        String prefix = type == TriggerType.SCHEDULED ? "sched" : type.name().toLowerCase(Locale.ROOT);
        return new TriggerId(prefix + "_" + UlidCreator.getMonotonicUlid());
    }

    @Override
    public String toString() {
        return value;
    }
}
