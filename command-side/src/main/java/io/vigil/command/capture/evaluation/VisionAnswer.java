package io.vigil.command.capture.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import io.vigil.core.capture.Box;
import io.vigil.core.capture.Detection;
import io.vigil.core.capture.EvaluationResult;
import io.vigil.core.capture.SuggestedEvent;

/**
 * Maps the vision service's answer to an {@link EvaluationResult}, leniently: one odd entry (no class, a
 * confidence of 1.02, a box in fractional pixels) must not throw away the rest of a frame's answer. Entries that
 * cannot be used are counted in the {@code skipped_entries} measure instead.
 *
 * <p>The result has no place for {@code keypoints} and {@code actions}: their count and each action's
 * probability ({@code action.<label>}) go to the measures, so they are not lost without a trace.
 */
final class VisionAnswer {

    private int skipped;

    private VisionAnswer() {
    }

    static EvaluationResult toResult(String evaluator, JsonNode answer, double elapsedMs) {
        return new VisionAnswer().map(evaluator, answer, elapsedMs);
    }

    private EvaluationResult map(String evaluator, JsonNode answer, double elapsedMs) {
        List<Detection> detections = detections(answer.path("detections"));
        List<Detection> objects = detections(answer.path("objects"));
        List<SuggestedEvent> events = new ArrayList<>();
        for (JsonNode entry : entries(answer.path("suggestedEvents"))) {
            String type = text(entry.path("type"));
            Double confidence = confidence(entry.path("confidence"));
            if (type == null || confidence == null) {
                skipped++;
                continue;
            }
            events.add(new SuggestedEvent(type, confidence, data(entry.path("data"))));
        }
        Map<String, Double> measures = new LinkedHashMap<>();
        JsonNode keypoints = answer.path("keypoints");
        if (keypoints.isArray()) {
            measures.put("keypoints", (double) keypoints.size());
        }
        for (JsonNode action : entries(answer.path("actions"))) {
            String label = text(action.path("label"));
            Double probability = confidence(action.path("probability"));
            if (label == null || probability == null) {
                skipped++;
                continue;
            }
            measures.put("action." + label, probability);
        }
        if (skipped > 0) {
            measures.put("skipped_entries", (double) skipped);
        }
        measures.put("elapsed_ms", elapsedMs);
        return new EvaluationResult(evaluator, detections, objects, events, measures);
    }

    private List<Detection> detections(JsonNode array) {
        List<Detection> found = new ArrayList<>();
        for (JsonNode entry : entries(array)) {
            String label = text(entry.path("class"));
            Double confidence = confidence(entry.path("confidence"));
            if (label == null || confidence == null) {
                skipped++;
                continue;
            }
            found.add(new Detection(label, confidence, box(entry.path("box"))));
        }
        return found;
    }

    /** An array's elements; anything else (absent, null, an object) has none. */
    private static Iterable<JsonNode> entries(JsonNode node) {
        return node.isArray() ? node : List.of();
    }

    /** Pixels, rounded; a box reaching past the top or left edge is cut at it. Null when there is none. */
    private static Box box(JsonNode box) {
        if (!box.isObject() || !box.path("x").isNumber() || !box.path("y").isNumber() || !box.path("w").isNumber()
                || !box.path("h").isNumber()) {
            return null;
        }
        long x = Math.round(box.path("x").asDouble());
        long y = Math.round(box.path("y").asDouble());
        long right = x + Math.round(box.path("w").asDouble());
        long bottom = y + Math.round(box.path("h").asDouble());
        int left = (int) clamp(x);
        int top = (int) clamp(y);
        return new Box(left, top, (int) clamp(right - left), (int) clamp(bottom - top));
    }

    private static long clamp(long value) {
        return Math.max(0, Math.min(Integer.MAX_VALUE, value));
    }

    /** Clipped into [0, 1]; null when missing or not a number. */
    private static Double confidence(JsonNode value) {
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            return null;
        }
        return Math.max(0, Math.min(1, value.asDouble()));
    }

    private static String text(JsonNode value) {
        return value.isString() && !value.asString().isBlank() && value.asString().length() <= 100
                ? value.asString() : null;
    }

    /** Text values as they are, anything else (numbers, objects) as its JSON. */
    private static Map<String, String> data(JsonNode data) {
        Map<String, String> map = new LinkedHashMap<>();
        if (data.isObject()) {
            data.properties().forEach(e -> map.put(e.getKey(),
                    e.getValue().isString() ? e.getValue().asString() : e.getValue().toString()));
        }
        return map;
    }
}
