package io.vigil.core.device;

/**
 * Active devices are scheduled and may connect; inactive ones are kept but neither scheduled nor triggered (an
 * owner's choice); suspended ones are refused everywhere, their keys included (an admin's sanction).
 */
public enum DeviceStatus {
    ACTIVE,
    INACTIVE,
    SUSPENDED
}
