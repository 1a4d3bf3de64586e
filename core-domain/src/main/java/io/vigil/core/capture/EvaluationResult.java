package io.vigil.core.capture;

import io.vigil.core.Check;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one evaluator made of one capture, in the shape of the vision API ({@code detections}, {@code objects},
 * {@code suggestedEvents}) plus the raw numbers it decided on, so that a threshold can be questioned later from
 * the event alone. Plain values only: it is stored inside events.
 *
 * @param evaluator       which evaluator answered ({@code cpu}, {@code http}), since they see different things
 * @param detections      conditions and regions found (image quality, motion, or a service's detections)
 * @param objects         objects recognised; empty when the evaluator recognises none (the CPU one)
 * @param suggestedEvents what may have happened
 * @param measures        numbers such as {@code mean_luminance}, {@code laplacian_variance}, {@code changed_fraction},
 *                        in the evaluator's order
 */
public record EvaluationResult(String evaluator, List<Detection> detections, List<Detection> objects,
                               List<SuggestedEvent> suggestedEvents, Map<String, Double> measures) {
    public EvaluationResult {
        Check.text(evaluator, "evaluator", 100);
        detections = detections == null ? List.of() : List.copyOf(detections);
        objects = objects == null ? List.of() : List.copyOf(objects);
        suggestedEvents = suggestedEvents == null ? List.of() : List.copyOf(suggestedEvents);
        measures = measures == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(measures));
    }

    /** Nothing found, e.g. when the service was unavailable and the capture must not fail for it. */
    public static EvaluationResult empty(String evaluator) {
        return new EvaluationResult(evaluator, List.of(), List.of(), List.of(), Map.of());
    }
}
