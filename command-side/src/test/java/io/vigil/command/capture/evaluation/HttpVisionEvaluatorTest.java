package io.vigil.command.capture.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vigil.core.capture.Box;
import io.vigil.core.capture.Detection;
import io.vigil.core.capture.EvaluationResult;
import io.vigil.core.capture.SuggestedEvent;
import io.vigil.simulators.vision.VisionSimConfig.Faults;
import io.vigil.simulators.vision.VisionSimulator;

/** The vision service client against the simulator over real HTTP: the answer's mapping and every failure. */
class HttpVisionEvaluatorTest {

    private static VisionSimulator sim;
    private static byte[] person;

    @BeforeAll
    static void start() {
        sim = VisionSimulator.start();
        // 640x480, dark, with a bright block on the simulator's 8x8 grid (cells of 80x60 px): x 4, y 2..4
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(40, 40, 40));
        g.fillRect(0, 0, 640, 480);
        g.setColor(new Color(230, 230, 230));
        g.fillRect(320, 120, 80, 180);
        g.dispose();
        person = TestImages.jpeg(image);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void healthy() {
        sim.setFaults(Faults.NONE);
        sim.setLatency(Duration.ZERO);
    }

    private static HttpVisionEvaluator evaluator(Duration timeout, String... models) {
        return new HttpVisionEvaluator(URI.create(sim.baseUrl() + "/"), Duration.ofSeconds(2), timeout,
                List.of(models));
    }

    private static EvaluationInput input(byte[] image) {
        return new EvaluationInput("cap_1", "CAM_01", image, null, Instant.parse("2026-02-16T09:00:00Z"));
    }

    private static EvaluationException failure(HttpVisionEvaluator evaluator, byte[] image) {
        return catchThrowableOfType(EvaluationException.class, () -> evaluator.evaluate(input(image)));
    }

    @Test
    void the_services_answer_becomes_detections_objects_and_suggested_events() {
        EvaluationResult result = evaluator(Duration.ofSeconds(10)).evaluate(input(person));

        assertThat(result.evaluator()).isEqualTo("http");
        assertThat(result.detections()).hasSize(1);
        Detection detection = result.detections().get(0);
        assertThat(detection.label()).isEqualTo("person");
        assertThat(detection.confidence()).isBetween(0.5, 0.99);
        assertThat(detection.box()).isEqualTo(new Box(320, 120, 80, 180));
        assertThat(result.objects()).extracting(Detection::label).containsExactly("person");
        SuggestedEvent event = result.suggestedEvents().get(0);
        assertThat(event.type()).isEqualTo("person_detected");
        assertThat(event.data()).containsExactly(Map.entry("count", "1"), Map.entry("zone", "centre"));
        assertThat(result.measures()).containsEntry("keypoints", 0.0).containsKey("elapsed_ms");
        assertThat(sim.requests()).isPositive();
    }

    @Test
    void the_enabled_models_are_sent_and_keypoints_and_actions_land_in_the_measures() {
        EvaluationResult result = evaluator(Duration.ofSeconds(10), "pose", "action").evaluate(input(person));

        assertThat(result.detections()).isEmpty();
        assertThat(result.objects()).isEmpty();
        assertThat(result.measures()).containsEntry("keypoints", 3.0).containsKey("action.standing");
    }

    @Test
    void an_unavailable_or_overloaded_service_is_a_transient_failure() {
        sim.setFaults(Faults.NONE.withUnavailable(1));
        EvaluationException unavailable = failure(evaluator(Duration.ofSeconds(10)), person);
        sim.setFaults(Faults.NONE.withTooManyRequests(1));
        EvaluationException overloaded = failure(evaluator(Duration.ofSeconds(10)), person);

        assertThat(unavailable.isTransient()).isTrue();
        assertThat(unavailable.reason())
                .isEqualTo("vision service answered 503: models are loading, try again later");
        assertThat(overloaded.isTransient()).isTrue();
        assertThat(overloaded.reason()).isEqualTo("vision service answered 429: frame queue is full");
    }

    @Test
    void a_service_slower_than_the_timeout_is_a_transient_failure_without_waiting_for_it() {
        sim.setLatency(Duration.ofSeconds(3));

        long started = System.nanoTime();
        EvaluationException failure = failure(evaluator(Duration.ofMillis(300)), person);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.reason()).isEqualTo("vision service timed out after 300ms");
        assertThat(elapsedMs).isLessThan(2_000);
    }

    @Test
    void a_reset_connection_is_a_transient_failure() {
        sim.setFaults(Faults.NONE.withReset(1));

        EvaluationException failure = failure(evaluator(Duration.ofSeconds(10)), person);

        assertThat(failure.isTransient()).isTrue();
        // which of the two the client sees depends on whether the reset overtakes the end of the request
        assertThat(failure.reason()).isIn("vision service unavailable: connection reset",
                "vision service unavailable: connection closed before an answer");
    }

    @Test
    void nothing_listening_is_a_transient_failure_saying_the_connection_was_refused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpVisionEvaluator nowhere = new HttpVisionEvaluator(URI.create("http://127.0.0.1:" + closedPort),
                Duration.ofSeconds(2), Duration.ofSeconds(5), List.of());

        EvaluationException failure = failure(nowhere, person);

        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.reason()).isEqualTo("vision service unavailable: connection refused");
    }

    @Test
    void a_frame_the_service_refuses_is_a_permanent_failure_with_its_reason() {
        EvaluationException garbage = failure(evaluator(Duration.ofSeconds(10)), "not an image".getBytes());
        EvaluationException unknownModel = failure(evaluator(Duration.ofSeconds(10), "faces"), person);

        assertThat(garbage.isTransient()).isFalse();
        assertThat(garbage.reason())
                .isEqualTo("vision service refused the frame: 400: frameBase64 is not a JPEG or PNG image");
        assertThat(unknownModel.isTransient()).isFalse();
        assertThat(unknownModel.reason()).contains("unknown model 'faces'");
    }

    @Test
    void an_answer_that_is_not_json_is_a_permanent_failure() {
        sim.setFaults(Faults.NONE.withMalformed(1));

        EvaluationException failure = failure(evaluator(Duration.ofSeconds(10)), person);

        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.reason()).startsWith("vision service answered malformed JSON");
    }
}
