package io.vigil.core.capture;

/** pending → completed | failed; a transient failure keeps it pending until its retries run out. */
public enum EvaluationStatus {
    PENDING,
    COMPLETED,
    FAILED
}
