package io.vigil.command.capture.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.vigil.core.capture.Detection;
import io.vigil.core.capture.EvaluationResult;
import io.vigil.core.capture.SuggestedEvent;

/** Results travel inside events (Axon's Jackson 3 serializer): they must come back equal, box or no box. */
class EvaluationResultJsonTest {

    private final JsonMapper mapper = JsonMapper.builder().build();

    @Test
    void a_cpu_result_with_motion_survives_a_json_round_trip() {
        BufferedImage scene = TestImages.scene(320, 240);
        EvaluationResult result = new CpuEvaluator().evaluate(new EvaluationInput("cap_1", "CAM_01",
                TestImages.jpeg(TestImages.withBlock(scene, 200, 60, 40, 80)),
                TestImages.jpeg(TestImages.withBlock(scene, 40, 60, 40, 80)), Instant.now()));

        String json = mapper.writeValueAsString(result);

        assertThat(result.detections()).isNotEmpty();
        assertThat(json).contains("\"label\":\"motion\"", "\"box\":{\"x\":");
        assertThat(mapper.readValue(json, EvaluationResult.class)).isEqualTo(result);
    }

    @Test
    void a_service_result_without_boxes_survives_a_json_round_trip() {
        EvaluationResult result = new EvaluationResult("http", List.of(new Detection("dog", 0.4, null)), List.of(),
                List.of(new SuggestedEvent("dog_seen", 0.4, Map.of("count", "1"))), Map.of("keypoints", 0.0));

        assertThat(mapper.readValue(mapper.writeValueAsString(result), EvaluationResult.class)).isEqualTo(result);
    }
}
