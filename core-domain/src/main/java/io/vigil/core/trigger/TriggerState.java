package io.vigil.core.trigger;

/**
 * A trigger's lifecycle, in the only order it moves: pending → sent → delivered → executed, or failed / expired
 * from any state before a terminal one. A report that would move it backwards, or repeats one, changes nothing.
 */
public enum TriggerState {
    PENDING,
    SENT,
    DELIVERED,
    EXECUTED,
    FAILED,
    EXPIRED;

    public boolean terminal() {
        return this == EXECUTED || this == FAILED || this == EXPIRED;
    }

    /** Whether moving to {@code next} is forward: later in the lifecycle, and from a state that is not terminal. */
    public boolean canMoveTo(TriggerState next) {
        return !terminal() && next.ordinal() > ordinal();
    }
}
