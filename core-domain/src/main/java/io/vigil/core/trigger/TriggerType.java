package io.vigil.core.trigger;

/** Who asked for the capture: the cloud's scheduler, or a person. */
public enum TriggerType {
    SCHEDULED,
    MANUAL
}
