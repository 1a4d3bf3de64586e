package io.vigil.command.capture.evaluation;

import static io.vigil.command.capture.evaluation.TestImages.blurred;
import static io.vigil.command.capture.evaluation.TestImages.exposed;
import static io.vigil.command.capture.evaluation.TestImages.jpeg;
import static io.vigil.command.capture.evaluation.TestImages.png;
import static io.vigil.command.capture.evaluation.TestImages.scene;
import static io.vigil.command.capture.evaluation.TestImages.withBlock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vigil.core.capture.Box;
import io.vigil.core.capture.Detection;
import io.vigil.core.capture.EvaluationResult;
import io.vigil.core.capture.SuggestedEvent;

/** The CPU evaluator on images drawn here: what it reports, where, and in which coordinates. */
class CpuEvaluatorTest {

    private static final Logger log = LoggerFactory.getLogger(CpuEvaluatorTest.class);

    private static BufferedImage scene;
    private static byte[] sharp;

    private final CpuEvaluator cpu = new CpuEvaluator();

    @BeforeAll
    static void draw() {
        scene = scene(640, 480);
        sharp = jpeg(scene);
    }

    private EvaluationResult evaluate(byte[] image, byte[] previous) {
        return cpu.evaluate(new EvaluationInput("cap_1", "CAM_01", image, previous, Instant.now()));
    }

    private static List<String> labels(List<Detection> detections) {
        return detections.stream().map(Detection::label).toList();
    }

    private static List<String> types(List<SuggestedEvent> events) {
        return events.stream().map(SuggestedEvent::type).toList();
    }

    @Test
    void a_sharp_well_exposed_scene_has_nothing_to_report() {
        EvaluationResult result = evaluate(sharp, null);

        log.info("sharp 640x480 scene: {}", result.measures());
        assertThat(result.evaluator()).isEqualTo("cpu");
        assertThat(result.detections()).isEmpty();
        assertThat(result.objects()).isEmpty();
        assertThat(result.suggestedEvents()).isEmpty();
        assertThat(result.measures().get("mean_luminance")).isBetween(100.0, 150.0);
        assertThat(result.measures().get("laplacian_variance")).isGreaterThan(10 * CpuEvaluator.Settings.DEFAULTS
                .blurBelow());
        assertThat(result.measures()).containsEntry("analysis_scale", 2.0).containsKey("elapsed_ms")
                .doesNotContainKey("changed_fraction");
    }

    @Test
    void a_dark_frame_is_too_dark_and_darker_is_surer() {
        EvaluationResult dark = evaluate(jpeg(exposed(scene, 0.15, 0)), null);
        EvaluationResult darker = evaluate(jpeg(exposed(scene, 0.05, 0)), null);

        log.info("dark: {}, darker: {}", dark.measures(), darker.measures());
        assertThat(labels(dark.detections())).containsExactly("too_dark");
        assertThat(dark.detections().get(0).box()).isEqualTo(new Box(0, 0, 640, 480));
        assertThat(types(dark.suggestedEvents())).containsExactly("too_dark");
        assertThat(dark.suggestedEvents().get(0).data()).containsKey("mean_luminance");
        assertThat(dark.detections().get(0).confidence()).isGreaterThan(0.5)
                .isLessThan(darker.detections().get(0).confidence());
    }

    @Test
    void an_over_exposed_frame_is_too_bright_and_not_called_blurry() {
        EvaluationResult result = evaluate(jpeg(exposed(blurred(scene, 9), 0.3, 200)), null);

        log.info("over-exposed: {}", result.measures());
        assertThat(result.measures().get("mean_luminance")).isGreaterThan(215.0);
        assertThat(labels(result.detections())).containsExactly("too_bright");
        assertThat(result.detections().get(0).confidence()).isGreaterThan(0.5);
    }

    @Test
    void a_box_blurred_copy_of_the_sharp_scene_is_blurry() {
        EvaluationResult result = evaluate(jpeg(blurred(scene, 9)), null);

        log.info("9x9 box blur of the 640x480 scene: {}", result.measures());
        assertThat(result.measures().get("laplacian_variance")).isLessThan(CpuEvaluator.Settings.DEFAULTS.blurBelow());
        assertThat(labels(result.detections())).containsExactly("blurry");
        assertThat(result.detections().get(0).box()).isEqualTo(new Box(0, 0, 640, 480));
        assertThat(result.detections().get(0).confidence()).isBetween(0.5, 1.0);
        assertThat(types(result.suggestedEvents())).containsExactly("blurry");
    }

    @Test
    void a_moved_block_is_boxed_where_it_was_and_where_it_is_in_original_pixels() {
        byte[] before = jpeg(withBlock(scene, 100, 150, 80, 160));
        byte[] after = jpeg(withBlock(scene, 400, 180, 80, 160));

        EvaluationResult result = evaluate(after, before);

        log.info("moved block: {} {}", result.detections(), result.measures());
        assertThat(labels(result.detections())).containsOnly("motion").hasSize(2);
        List<Box> boxes = result.detections().stream().map(Detection::box).toList();
        assertThat(boxes).anySatisfy(box -> near(box, new Box(400, 180, 80, 160), 8));
        assertThat(boxes).anySatisfy(box -> near(box, new Box(100, 150, 80, 160), 8));
        assertThat(result.detections()).allSatisfy(d -> assertThat(d.confidence()).isGreaterThan(0.5));
        SuggestedEvent motion = result.suggestedEvents().get(0);
        assertThat(motion.type()).isEqualTo("motion_detected");
        assertThat(motion.data()).containsEntry("regions", "2");
        assertThat(result.measures().get("changed_fraction")).isBetween(0.01, 0.2);
    }

    @Test
    void the_same_frame_again_has_no_motion_even_re_encoded_as_png() {
        EvaluationResult same = evaluate(sharp, sharp);
        EvaluationResult reencoded = evaluate(png(scene), sharp);

        log.info("same: {}, PNG against JPEG: {}", same.measures(), reencoded.measures());
        assertThat(same.detections()).isEmpty();
        assertThat(same.suggestedEvents()).isEmpty();
        assertThat(same.measures()).containsEntry("changed_fraction", 0.0).containsEntry("motion_regions", 0.0);
        assertThat(reencoded.detections()).isEmpty();
        assertThat(reencoded.measures()).containsEntry("motion_regions", 0.0);
    }

    @Test
    void a_png_is_evaluated_like_the_jpeg_of_the_same_scene() {
        EvaluationResult fromPng = evaluate(png(scene), null);
        EvaluationResult fromJpeg = evaluate(sharp, null);
        EvaluationResult blurredPng = evaluate(png(blurred(scene, 9)), null);

        assertThat(fromPng.detections()).isEmpty();
        assertThat(fromPng.measures().get("mean_luminance")).isCloseTo(fromJpeg.measures().get("mean_luminance"),
                offset(1.0));
        assertThat(labels(blurredPng.detections())).containsExactly("blurry");
    }

    @Test
    void most_of_the_frame_changing_is_a_scene_change_not_motion() {
        EvaluationResult result = evaluate(sharp, jpeg(exposed(scene, -1, 255)));

        assertThat(result.detections()).isEmpty();
        assertThat(types(result.suggestedEvents())).containsExactly("scene_changed");
        assertThat(result.measures().get("changed_cell_fraction")).isGreaterThan(0.6);
    }

    @Test
    void many_moving_things_give_at_most_ten_boxes() {
        BufferedImage plain = exposed(scene, 0, 128); // flat grey: no block can hide on a shape of its own colour
        BufferedImage many = plain;
        for (int i = 0; i < 15; i++) {
            many = withBlock(many, 20 + (i % 5) * 120, 40 + (i / 5) * 150, 30, 30);
        }

        EvaluationResult result = evaluate(jpeg(many), jpeg(plain));

        assertThat(result.detections()).hasSize(10);
        assertThat(result.measures()).containsEntry("motion_regions", 15.0);
        assertThat(result.suggestedEvents().get(0).data()).containsEntry("regions", "10");
    }

    @Test
    void a_previous_image_of_another_size_or_unreadable_is_skipped_with_a_measure_saying_so() {
        EvaluationResult otherSize = evaluate(sharp, jpeg(scene(320, 240)));
        EvaluationResult unreadable = evaluate(sharp, new byte[] {1, 2, 3});

        assertThat(otherSize.detections()).isEmpty();
        assertThat(otherSize.measures()).containsEntry("motion_skipped_size_mismatch", 1.0)
                .doesNotContainKey("changed_fraction");
        assertThat(unreadable.measures()).containsEntry("motion_skipped_previous_undecodable", 1.0)
                .containsKey("mean_luminance");
    }

    @Test
    void garbage_truncated_and_unsupported_images_fail_permanently() {
        byte[] noise = new byte[5000];
        new Random(7).nextBytes(noise);
        byte[] gif = TestImages.encode(scene, "gif");
        List<byte[]> bad = List.of(new byte[0], "not an image".getBytes(), noise,
                Arrays.copyOf(sharp, sharp.length / 2), Arrays.copyOf(png(scene), 2000), gif);

        for (byte[] image : bad) {
            EvaluationException failure = catchThrowableOfType(EvaluationException.class,
                    () -> evaluate(image, null));
            assertThat(failure).as("%d bytes", image.length).isNotNull();
            assertThat(failure.isTransient()).isFalse();
            log.info("{} bytes refused: {}", image.length, failure.reason());
        }
        assertThat(catchThrowableOfType(EvaluationException.class, () -> evaluate(gif, null)).reason())
                .contains("unsupported image format gif");
    }

    @Test
    void a_full_hd_jpeg_is_evaluated_in_milliseconds_with_boxes_in_its_own_pixels() {
        BufferedImage hd = scene(1920, 1080);
        byte[] before = jpeg(withBlock(hd, 300, 400, 240, 480));
        byte[] after = jpeg(withBlock(hd, 1200, 450, 240, 480));
        for (int i = 0; i < 5; i++) {
            evaluate(after, before); // warm-up: the first calls include class loading and JIT compilation
        }

        long[] alone = new long[10];
        long[] withPrevious = new long[10];
        EvaluationResult result = null;
        for (int i = 0; i < 10; i++) {
            long started = System.nanoTime();
            evaluate(after, null);
            alone[i] = System.nanoTime() - started;
            started = System.nanoTime();
            result = evaluate(after, before);
            withPrevious[i] = System.nanoTime() - started;
        }

        log.info("1920x1080 JPEG ({} bytes): median {} ms alone, {} ms with the previous frame (motion)",
                after.length, median(alone), median(withPrevious));
        List<Box> boxes = result.detections().stream().map(Detection::box).toList();
        assertThat(result.measures()).containsEntry("analysis_scale", 6.0);
        assertThat(boxes).hasSize(2);
        assertThat(boxes).anySatisfy(box -> near(box, new Box(1200, 450, 240, 480), 18));
        assertThat(boxes).anySatisfy(box -> near(box, new Box(300, 400, 240, 480), 18));
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return Math.round(sorted[sorted.length / 2] / 1e5) / 10.0;
    }

    private static void near(Box actual, Box expected, int tolerance) {
        assertThat(actual.x()).as("x of %s", actual).isCloseTo(expected.x(), within(tolerance));
        assertThat(actual.y()).as("y of %s", actual).isCloseTo(expected.y(), within(tolerance));
        assertThat(actual.w()).as("w of %s", actual).isCloseTo(expected.w(), within(tolerance));
        assertThat(actual.h()).as("h of %s", actual).isCloseTo(expected.h(), within(tolerance));
    }
}
