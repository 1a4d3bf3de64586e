package io.vigil.simulators.vision;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;

/**
 * Stands in for the service's models with a brightness heuristic: the brightest part of the frame, when it
 * stands out from the rest, is "a person". Crude, but deterministic and tied to the pixels, so a test can draw a
 * bright block and know where the box must be, and a uniform frame yields nothing.
 *
 * <p>Models: {@code detection} fills {@code detections}, {@code objects} {@code objects}, {@code pose}
 * {@code keypoints}, {@code action} {@code actions}; none named means detection and objects. Every field of the
 * answer is always present, as arrays, whichever models ran.
 */
final class VisionModels {

    static final List<String> KNOWN = List.of("detection", "objects", "pose", "action");
    static final List<String> DEFAULT = List.of("detection", "objects");

    /** The frame is cut into this many cells across and down to look for its brightest part. */
    private static final int GRID = 8;

    /** The brightest cell must be this much brighter (of 255) than the frame's mean to be anything. */
    private static final double MIN_CONTRAST = 25;

    private VisionModels() {
    }

    /** @throws VisionError 400 for an unknown model or a frame that is not an image */
    static Set<String> models(Iterable<String> requested) {
        Set<String> models = new LinkedHashSet<>();
        for (String model : requested) {
            if (!KNOWN.contains(model)) {
                throw VisionError.badRequest("unknown_model", "unknown model '" + model + "'; known: "
                        + String.join(", ", KNOWN));
            }
            models.add(model);
        }
        return models.isEmpty() ? new LinkedHashSet<>(DEFAULT) : models;
    }

    static BufferedImage decode(byte[] frame) {
        try {
            // A memory stream: ImageIO.read(InputStream) would spool the frame through a temporary file.
            ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(frame));
            BufferedImage image = ImageIO.read(in); // closes the stream
            if (image == null) {
                throw VisionError.badRequest("invalid_frame", "frameBase64 is not a JPEG or PNG image");
            }
            return image;
        } catch (VisionError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw VisionError.badRequest("invalid_frame", "frameBase64 could not be decoded: " + e.getMessage());
        }
    }

    static ObjectNode process(BufferedImage image, Set<String> models) {
        ObjectNode answer = Json.object();
        ArrayNode detections = answer.putArray("detections");
        ArrayNode keypoints = answer.putArray("keypoints");
        ArrayNode actions = answer.putArray("actions");
        ArrayNode objects = answer.putArray("objects");
        ArrayNode events = answer.putArray("suggestedEvents");
        Person person = brightest(image);
        if (person == null) {
            return answer;
        }
        if (models.contains("detection")) {
            detections.add(person.json());
        }
        if (models.contains("objects")) {
            objects.add(person.json());
        }
        if (models.contains("pose")) {
            keypoints.add(keypoint("nose", person.x + person.w / 2, person.y + person.h / 10, person.confidence));
            keypoints.add(keypoint("left_shoulder", person.x + person.w / 4, person.y + person.h / 4,
                    person.confidence * 0.9));
            keypoints.add(keypoint("right_shoulder", person.x + 3 * person.w / 4, person.y + person.h / 4,
                    person.confidence * 0.9));
        }
        if (models.contains("action")) {
            actions.add(Json.object().put("label", person.h > person.w ? "standing" : "lying")
                    .put("probability", round(person.confidence * 0.8)));
        }
        if (models.contains("detection") || models.contains("objects")) {
            ObjectNode event = events.addObject().put("type", "person_detected").put("confidence", person.confidence);
            event.putObject("data").put("count", 1).put("zone", zone(image, person));
        }
        return answer;
    }

    private record Person(int x, int y, int w, int h, double confidence) {
        ObjectNode json() {
            ObjectNode node = Json.object().put("class", "person").put("confidence", confidence);
            node.putObject("box").put("x", x).put("y", y).put("w", w).put("h", h);
            return node;
        }
    }

    /**
     * The brightest grid cell and the bright cells connected to it (at least half as far above the mean), as one
     * box; null when nothing stands out.
     */
    private static Person brightest(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int cols = Math.min(GRID, width);
        int rows = Math.min(GRID, height);
        double[] cell = new double[cols * rows];
        int[] count = new int[cols * rows];
        int step = Math.max(1, Math.min(width, height) / 240); // sample: a 1920 px frame need not be read whole
        double total = 0;
        int samples = 0;
        for (int y = 0; y < height; y += step) {
            for (int x = 0; x < width; x += step) {
                int p = image.getRGB(x, y);
                double luma = 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
                int c = (y * rows / height) * cols + x * cols / width;
                cell[c] += luma;
                count[c]++;
                total += luma;
                samples++;
            }
        }
        int best = 0;
        for (int c = 0; c < cell.length; c++) {
            cell[c] = count[c] == 0 ? 0 : cell[c] / count[c];
            best = cell[c] > cell[best] ? c : best;
        }
        double mean = total / samples;
        double contrast = cell[best] - mean;
        if (contrast < MIN_CONTRAST) {
            return null;
        }
        int left = cols;
        int top = rows;
        int right = -1;
        int bottom = -1;
        boolean[] seen = new boolean[cell.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(best));
        seen[best] = true;
        while (!queue.isEmpty()) {
            int c = queue.poll();
            int cx = c % cols;
            int cy = c / cols;
            left = Math.min(left, cx);
            right = Math.max(right, cx);
            top = Math.min(top, cy);
            bottom = Math.max(bottom, cy);
            int[][] around = {{cx - 1, cy}, {cx + 1, cy}, {cx, cy - 1}, {cx, cy + 1}};
            for (int[] n : around) {
                int i = n[1] * cols + n[0];
                if (n[0] >= 0 && n[0] < cols && n[1] >= 0 && n[1] < rows && !seen[i]
                        && cell[i] >= mean + contrast / 2) {
                    seen[i] = true;
                    queue.add(i);
                }
            }
        }
        int x = left * width / cols;
        int y = top * height / rows;
        int w = (right + 1) * width / cols - x;
        int h = (bottom + 1) * height / rows - y;
        return new Person(x, y, w, h, round(Math.min(0.99, 0.5 + contrast / 255)));
    }

    private static ObjectNode keypoint(String name, int x, int y, double confidence) {
        return Json.object().put("name", name).put("x", x).put("y", y).put("confidence", round(confidence));
    }

    private static String zone(BufferedImage image, Person person) {
        int centre = person.x + person.w / 2;
        return centre < image.getWidth() / 3 ? "left" : centre < 2 * image.getWidth() / 3 ? "centre" : "right";
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
