package io.vigil.command.capture.evaluation;

/**
 * An evaluation that produced no result. What the caller does next depends only on {@link #isTransient()}:
 * a transient failure (service down, timed out, 5xx, 429) is worth retrying later with the same image; a
 * permanent one (undecodable image, the service refused the request) will fail the same way every time, so the
 * capture's evaluation is marked failed instead of retried forever.
 */
public class EvaluationException extends RuntimeException {

    private final String reason;
    private final boolean transientFailure;

    /** @param reason one plain sentence for an operator, e.g. "vision service unavailable: connection refused" */
    public EvaluationException(String reason, boolean transientFailure) {
        this(reason, transientFailure, null);
    }

    public EvaluationException(String reason, boolean transientFailure, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
        this.transientFailure = transientFailure;
    }

    public static EvaluationException transientFailure(String reason, Throwable cause) {
        return new EvaluationException(reason, true, cause);
    }

    public static EvaluationException permanent(String reason, Throwable cause) {
        return new EvaluationException(reason, false, cause);
    }

    public String reason() {
        return reason;
    }

    /** True when the same call may succeed later. */
    public boolean isTransient() {
        return transientFailure;
    }
}
