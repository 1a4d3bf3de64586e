package io.vigil.launcher;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Images the capture tests upload, generated: a textured scene, a dark frame, a frame with a rectangle somewhere. */
final class TestImages {
    private TestImages() {
    }

    /** A lit scene with edges and text, and a dark rectangle at ({@code x}, {@code y}). */
    static BufferedImage scene(int width, int height, int x, int y) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(150, 150, 140));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(60, 60, 70));
        for (int i = 0; i < width; i += 16) {
            g.drawLine(i, 0, i, height);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("VIGIL TEST CAMERA", 10, 20);
        g.setColor(new Color(20, 30, 200));
        g.fillRect(x, y, width / 5, height / 5);
        g.dispose();
        return image;
    }

    static BufferedImage dark(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(8, 8, 10));
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpg");
    }

    static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    /** A JPEG of about {@code bytes} (noise compresses badly, so its size follows its pixel count). */
    static byte[] jpegOfAbout(int bytes) {
        int side = (int) Math.sqrt(bytes / 1.5);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(side);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return jpeg(image);
    }

    static byte[] truncated(byte[] image) {
        return Arrays.copyOf(image, image.length * 2 / 3);
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
