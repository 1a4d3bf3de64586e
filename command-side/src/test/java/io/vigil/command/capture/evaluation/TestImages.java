package io.vigil.command.capture.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * Images made in the test with java.awt, so that what each evaluator test sees is explicit and reproducible: a
 * fixed seed gives the same scene every run.
 */
final class TestImages {

    private TestImages() {
    }

    /** A mid-grey room-like scene: noise texture, hard-edged shapes, lines and text; mean luminance about 120. */
    static BufferedImage scene(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = 90 + (x * 60 / width) + random.nextInt(24);
                image.setRGB(x, y, new Color(v, v, Math.min(255, v + 10)).getRGB());
            }
        }
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < 40; i++) {
            g.setColor(new Color(40 + random.nextInt(180), 40 + random.nextInt(180), 40 + random.nextInt(180)));
            int w = width / 20 + random.nextInt(width / 8);
            int h = height / 20 + random.nextInt(height / 8);
            g.fillRect(random.nextInt(width - w), random.nextInt(height - h), w, h);
        }
        g.setStroke(new BasicStroke(Math.max(1, width / 640f)));
        g.setColor(Color.BLACK);
        for (int i = 0; i < 20; i++) {
            g.drawLine(random.nextInt(width), random.nextInt(height), random.nextInt(width), random.nextInt(height));
        }
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, height / 20)));
        for (int i = 0; i < 6; i++) {
            g.setColor(i % 2 == 0 ? Color.WHITE : Color.BLACK);
            g.drawString("CAM-01 2026-02-16 09:0" + i, random.nextInt(width / 2), (i + 1) * height / 7);
        }
        g.dispose();
        return image;
    }

    /** Every channel mapped through {@code v * gain + offset}: a dark or over-exposed shot of the same scene. */
    static BufferedImage exposed(BufferedImage source, double gain, int offset) {
        BufferedImage image = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < source.getHeight(); y++) {
            for (int x = 0; x < source.getWidth(); x++) {
                Color c = new Color(source.getRGB(x, y));
                image.setRGB(x, y, new Color(clamp(c.getRed() * gain + offset), clamp(c.getGreen() * gain + offset),
                        clamp(c.getBlue() * gain + offset)).getRGB());
            }
        }
        return image;
    }

    /**
     * A {@code size x size} box blur, as an out-of-focus lens roughly does. The image is first padded with copies
     * of its edges: left unblurred (ConvolveOp's EDGE_NO_OP) or black (EDGE_ZERO_FILL), the border would be a
     * sharp frame around a blurred picture.
     */
    static BufferedImage blurred(BufferedImage source, int size) {
        int w = source.getWidth();
        int h = source.getHeight();
        int r = size / 2;
        BufferedImage padded = new BufferedImage(w + 2 * r, h + 2 * r, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = padded.createGraphics();
        g.drawImage(source, r, r, null);
        g.drawImage(source, 0, r, r, r + h, 0, 0, 1, h, null);                     // left edge, stretched
        g.drawImage(source, r + w, r, 2 * r + w, r + h, w - 1, 0, w, h, null);     // right
        g.drawImage(padded, 0, 0, w + 2 * r, r, 0, r, w + 2 * r, r + 1, null);     // top, corners included
        g.drawImage(padded, 0, r + h, w + 2 * r, 2 * r + h, 0, r + h - 1, w + 2 * r, r + h, null); // bottom
        g.dispose();
        float[] weights = new float[size * size];
        Arrays.fill(weights, 1f / (size * size));
        BufferedImage blurred = new ConvolveOp(new Kernel(size, size, weights), ConvolveOp.EDGE_NO_OP, null)
                .filter(padded, null);
        return copy(blurred.getSubimage(r, r, w, h));
    }

    /** The scene with a solid dark-red block (a "person") drawn at x, y. */
    static BufferedImage withBlock(BufferedImage background, int x, int y, int w, int h) {
        BufferedImage image = copy(background);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(120, 20, 20));
        g.fillRect(x, y, w, h);
        g.dispose();
        return image;
    }

    static BufferedImage copy(BufferedImage source) {
        BufferedImage image = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.drawImage(source, 0, 0, null);
        g.dispose();
        return image;
    }

    static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpg");
    }

    static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
