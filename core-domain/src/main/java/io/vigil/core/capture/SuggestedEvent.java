package io.vigil.core.capture;

import io.vigil.core.Check;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an evaluator thinks happened, for someone (or a rule) to act on: {@code motion_detected},
 * {@code too_dark}... It is a suggestion, not a fact: nothing in the domain reacts to it by itself.
 *
 * @param data free-form details as text (e.g. {@code regions=2}), in the evaluator's order; never null
 */
public record SuggestedEvent(String type, double confidence, Map<String, String> data) {
    public SuggestedEvent {
        Check.text(type, "type", 100);
        Detection.checkConfidence(confidence);
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}
