package io.vigil.command.capture.evaluation;

import io.vigil.core.capture.EvaluationResult;

/**
 * Looks at one capture and says what it saw. Pluggable so that a site without a vision service still gets an
 * evaluation (the CPU one, {@link CpuEvaluator}) and a site with one gets object recognition
 * ({@link HttpVisionEvaluator}); the evaluation worker does not know which it calls.
 *
 * <p>Implementations are thread-safe and synchronous: the worker calls them on its own bounded pool, and a call
 * may block for up to the configured timeout.
 */
public interface Evaluator {

    /**
     * @throws EvaluationException when there is no result; {@link EvaluationException#isTransient()} tells the
     *                             caller whether trying the same capture again later can succeed
     */
    EvaluationResult evaluate(EvaluationInput input) throws EvaluationException;
}
