package io.vigil.command.capture.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vigil.core.capture.Box;
import io.vigil.core.capture.Detection;
import io.vigil.core.capture.EvaluationResult;
import io.vigil.core.capture.SuggestedEvent;

/**
 * The default evaluator: plain image statistics on the CPU, with nothing to download or install, so every
 * capture gets an evaluation even where no vision service runs. It answers the questions a camera operator has
 * first: is the picture usable (exposure, sharpness), and did something move since the device's previous
 * capture. It recognises no objects: {@link EvaluationResult#objects()} is always empty.
 *
 * <p>It decodes straight to a grey frame at most {@code maxWidth} pixels wide ({@link GreyFrame}); boxes are
 * reported in the original image's pixels. Detections and suggested events it produces:
 * <ul>
 *   <li>{@code too_dark} / {@code too_bright}: mean luminance outside the thresholds; confidence 0.5 at the
 *       threshold, rising to 1 at black / white. The box is the whole frame.</li>
 *   <li>{@code blurry}: variance of the Laplacian below the threshold; confidence 0.5 at the threshold, rising to
 *       1 at none. Not reported with a bad exposure: a dark or washed-out frame has no edges either, and
 *       exposure is then the cause to fix. Blur is seen at the analysis scale, so a 1920 px frame must be blurred
 *       by several pixels to count: the lens fogged or far out of focus, not a slight softness.</li>
 *   <li>{@code motion} boxes and a {@code motion_detected} suggested event ({@code regions},
 *       {@code changed_fraction}), or {@code scene_changed} when most of the frame changed (camera moved, lights
 *       switched), see {@link Motion}.</li>
 * </ul>
 * The numbers behind each decision are in {@link EvaluationResult#measures()}.
 */
public final class CpuEvaluator implements Evaluator {

    public static final String NAME = "cpu";

    private static final Logger log = LoggerFactory.getLogger(CpuEvaluator.class);

    private final Settings settings;

    public CpuEvaluator(Settings settings) {
        this.settings = settings;
    }

    public CpuEvaluator() {
        this(Settings.DEFAULTS);
    }

    /**
     * @param maxWidth       analysis width in pixels at most: 320 px keeps a 1920x1080 frame's analysis to a few
     *                       milliseconds beyond its decoding, and still shows a person at the far end of a room
     * @param darkBelow      mean luminance (0..255) under which a frame is too dark to see anything useful
     * @param brightAbove    mean luminance over which a frame is washed out
     * @param blurBelow      variance of the Laplacian under which a frame is blurry
     * @param motionPixel    luminance change (0..255) over which a pixel changed; above a camera's sensor noise
     * @param motionCell     fraction of a cell's pixels that must change for the cell to count
     * @param sceneChange    fraction of cells over which the whole scene changed rather than something in it
     * @param maxRegions     at most this many motion boxes
     */
    public record Settings(int maxWidth, double darkBelow, double brightAbove, double blurBelow, int motionPixel,
                           double motionCell, double sceneChange, int maxRegions) {

        /**
         * Tuned on scenes drawn by CpuEvaluatorTest (texture, hard-edged shapes, lines, text). Laplacian variance,
         * measured: sharp 8,100 (640x480 JPEG), 8,660 (PNG), 10,600 (1920x1080); box blurs of about 2.5 analysis
         * pixels (5x5 at 640 px, 15x15 at 1920 px) 360-490, not flagged; of 4 or more (9x9 at 640 px, 25x25 at
         * 1920 px) 64-107, flagged below 100, the figure commonly used with this measure. Real scenes have less
         * texture than these, which is why the threshold sits low and is a setting. Means 40 and 215 of 255 leave
         * a dim room or a bright window alone; below 40 a JPEG has lost nearly all detail in its shadows. 25 of
         * 255 for a pixel is several times a camera's noise (the same scene as JPEG against PNG changes 0.3 % of
         * its pixels and no cell); 15 % of a cell ignores stray pixels; 60 % of the cells is more than anything
         * walking by.
         */
        public static final Settings DEFAULTS = new Settings(320, 40, 215, 100, 25, 0.15, 0.6, 10);

        public Settings {
            if (maxWidth < 16) {
                throw new IllegalArgumentException("analysis width must be at least 16 px, was " + maxWidth);
            }
            if (!(darkBelow > 0 && darkBelow < brightAbove && brightAbove < 255)) {
                throw new IllegalArgumentException("need 0 < dark threshold < bright threshold < 255, were "
                        + darkBelow + " and " + brightAbove);
            }
            if (blurBelow < 0 || motionPixel < 0 || motionPixel > 254) {
                throw new IllegalArgumentException("blur threshold must be >= 0 and the motion pixel threshold within"
                        + " 0..254, were " + blurBelow + " and " + motionPixel);
            }
            if (!(motionCell > 0 && motionCell <= 1 && sceneChange > 0 && sceneChange <= 1)) {
                throw new IllegalArgumentException("motion cell and scene change fractions must be within (0, 1], were "
                        + motionCell + " and " + sceneChange);
            }
            if (maxRegions < 1) {
                throw new IllegalArgumentException("at least one motion region, was " + maxRegions);
            }
        }

        Motion.Settings motion() {
            return new Motion.Settings(motionPixel, motionCell, sceneChange, maxRegions);
        }
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public EvaluationResult evaluate(EvaluationInput input) {
        long started = System.nanoTime();
        GreyFrame frame = GreyFrame.decode(input.image(), settings.maxWidth());
        List<Detection> detections = new ArrayList<>();
        List<SuggestedEvent> events = new ArrayList<>();
        Map<String, Double> measures = new LinkedHashMap<>();
        Box whole = new Box(0, 0, frame.originalWidth(), frame.originalHeight());

        double mean = frame.mean();
        double sharpness = frame.laplacianVariance();
        measures.put("mean_luminance", round(mean));
        measures.put("laplacian_variance", round(sharpness));
        measures.put("analysis_scale", (double) frame.scale());
        boolean exposed = true;
        if (mean < settings.darkBelow()) {
            exposed = false;
            double confidence = 0.5 + 0.5 * (settings.darkBelow() - mean) / settings.darkBelow();
            report("too_dark", confidence, whole, Map.of("mean_luminance", text(mean)), detections, events);
        } else if (mean > settings.brightAbove()) {
            exposed = false;
            double confidence = 0.5 + 0.5 * (mean - settings.brightAbove()) / (255 - settings.brightAbove());
            report("too_bright", confidence, whole, Map.of("mean_luminance", text(mean)), detections, events);
        }
        if (exposed && sharpness < settings.blurBelow()) {
            double confidence = 0.5 + 0.5 * (1 - sharpness / settings.blurBelow());
            report("blurry", confidence, whole, Map.of("laplacian_variance", text(sharpness)), detections, events);
        }
        if (input.previousImage() != null) {
            motion(frame, input, detections, events, measures);
        }
        measures.put("elapsed_ms", round((System.nanoTime() - started) / 1e6));
        return new EvaluationResult(NAME, detections, List.of(), events, measures);
    }

    private void motion(GreyFrame frame, EvaluationInput input, List<Detection> detections,
                        List<SuggestedEvent> events, Map<String, Double> measures) {
        GreyFrame previous;
        try {
            previous = GreyFrame.decode(input.previousImage(), settings.maxWidth());
        } catch (EvaluationException e) {
            // The previous capture's fault, not this one's: this capture is still evaluated, without motion.
            log.debug("capture {}: previous image not compared: {}", input.captureId(), e.reason());
            measures.put("motion_skipped_previous_undecodable", 1.0);
            return;
        }
        if (!frame.sameGeometry(previous)) {
            measures.put("motion_skipped_size_mismatch", 1.0);
            return;
        }
        Motion.Result motion = Motion.compare(frame, previous, settings.motion());
        measures.put("changed_fraction", round(motion.changedFraction()));
        measures.put("changed_cell_fraction", round(motion.changedCellFraction()));
        measures.put("motion_regions", (double) motion.regionsFound());
        if (motion.sceneChanged()) {
            events.add(new SuggestedEvent("scene_changed", round(motion.changedCellFraction()),
                    Map.of("changed_fraction", text(motion.changedFraction()))));
            return;
        }
        if (motion.regions().isEmpty()) {
            return;
        }
        double strongest = 0;
        for (Motion.Region region : motion.regions()) {
            detections.add(new Detection("motion", round(region.confidence()), region.box()));
            strongest = Math.max(strongest, region.confidence());
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("regions", String.valueOf(motion.regions().size()));
        data.put("changed_fraction", text(motion.changedFraction()));
        events.add(new SuggestedEvent("motion_detected", round(strongest), data));
    }

    private static void report(String type, double confidence, Box box, Map<String, String> data,
                               List<Detection> detections, List<SuggestedEvent> events) {
        double c = round(Math.min(1, confidence));
        detections.add(new Detection(type, c, box));
        events.add(new SuggestedEvent(type, c, data));
    }

    /** Three decimals: more is noise in an event someone reads. */
    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static String text(double value) {
        return String.valueOf(round(value));
    }
}
