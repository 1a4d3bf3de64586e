package io.vigil.core.keptvm;

public enum KeptVmState {
    /** Stopped, waiting for its owner. */
    KEPT,
    /** A session runs on it. */
    IN_USE,
    /** Its removal runs. */
    DELETING,
    /** Removed (or handed to the reconciler when the removal failed). */
    DELETED
}
