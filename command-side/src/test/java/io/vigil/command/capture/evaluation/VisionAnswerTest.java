package io.vigil.command.capture.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vigil.core.capture.Box;
import io.vigil.core.capture.EvaluationResult;

/** The mapping of a service's answer, on shapes a real service sends now and then. */
class VisionAnswerTest {

    private static EvaluationResult map(String json) {
        return VisionAnswer.toResult("http", HttpVisionEvaluator.JSON.readTree(json), 12.5);
    }

    @Test
    void odd_entries_are_mended_or_skipped_and_counted_without_losing_the_rest() {
        EvaluationResult result = map("""
                {"detections": [
                   {"class": "car", "confidence": 1.02, "box": {"x": -3.4, "y": 10.6, "w": 100.5, "h": 50}},
                   {"class": "dog", "confidence": 0.4},
                   {"confidence": 0.9, "box": {"x": 1, "y": 1, "w": 1, "h": 1}},
                   {"class": "cat", "confidence": "high"}],
                 "objects": {"not": "an array"},
                 "actions": [{"label": "walking", "probability": 0.7}, {"probability": 0.2}],
                 "suggestedEvents": [{"type": "vehicle_arrived", "confidence": 0.8,
                                      "data": {"plate": "AB-123", "count": 2, "lane": {"id": 3}}},
                                     {"type": "", "confidence": 0.5}],
                 "somethingNew": true}""");

        assertThat(result.detections()).hasSize(2);
        assertThat(result.detections().get(0).label()).isEqualTo("car");
        assertThat(result.detections().get(0).confidence()).isEqualTo(1.0);
        assertThat(result.detections().get(0).box()).isEqualTo(new Box(0, 11, 98, 50));
        assertThat(result.detections().get(1).box()).isNull();
        assertThat(result.objects()).isEmpty();
        assertThat(result.suggestedEvents()).hasSize(1);
        assertThat(result.suggestedEvents().get(0).data()).containsEntry("plate", "AB-123")
                .containsEntry("count", "2").containsEntry("lane", "{\"id\":3}");
        assertThat(result.measures()).containsEntry("action.walking", 0.7).containsEntry("skipped_entries", 4.0)
                .containsEntry("elapsed_ms", 12.5).doesNotContainKey("keypoints");
    }

    @Test
    void an_empty_answer_is_an_empty_result() {
        EvaluationResult result = map("{}");

        assertThat(result.detections()).isEmpty();
        assertThat(result.objects()).isEmpty();
        assertThat(result.suggestedEvents()).isEmpty();
        assertThat(result.measures()).containsOnlyKeys("elapsed_ms");
    }
}
