package io.vigil.core.capture;

import io.vigil.core.Check;
import io.vigil.core.DomainException;

/**
 * Something an evaluator found in an image: the API's {@code {"class", "confidence", "box"}}. The API's name
 * {@code class} is a Java keyword, hence {@code label}; adapters map one to the other.
 *
 * @param confidence in [0, 1]
 * @param box        where, in original pixels; null when the evaluator located nothing (an external service may
 *                   name an object without a box)
 */
public record Detection(String label, double confidence, Box box) {
    public Detection {
        Check.text(label, "label", 100);
        checkConfidence(confidence);
    }

    /** Shared with {@link SuggestedEvent}: a confidence is a probability, and NaN would not survive JSON. */
    static void checkConfidence(double confidence) {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw DomainException.invalid("invalid_confidence", "confidence must be in [0, 1], was " + confidence);
        }
    }
}
