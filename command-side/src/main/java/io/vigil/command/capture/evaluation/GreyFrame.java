package io.vigil.command.capture.evaluation;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An image decoded straight to a small grey-scale frame, which is all the CPU evaluator looks at.
 *
 * <p>The reader subsamples while decoding (keeps every {@code scale}-th pixel of every {@code scale}-th row): a
 * 1920x1080 JPEG decodes in about half the time of a full decode and never allocates the 6 MB full-size raster.
 * Nearest-neighbour subsampling rather than averaging on purpose: it keeps edges as sharp as they were, so the
 * sharpness measure sees the lens's blur, not the downscaler's.
 *
 * @param luma           luminance 0..255 (Rec. 601 weights), row by row
 * @param scale          one analysis pixel stands for {@code scale x scale} original pixels
 * @param originalWidth  the image's own size, for reporting boxes in its coordinates
 */
record GreyFrame(int width, int height, int[] luma, int scale, int originalWidth, int originalHeight) {

    /** A decompression bomb (a tiny file declaring a huge image) is refused before any pixel is decoded. */
    static final long MAX_PIXELS = 50_000_000L;

    /** libjpeg pads a truncated file with grey and only warns; such an image must not be evaluated as if whole. */
    private static final Pattern TRUNCATED = Pattern.compile("(?i)truncated|premature end");

    /** @throws EvaluationException (permanent) when the bytes are not a whole JPEG or PNG */
    static GreyFrame decode(byte[] bytes, int maxWidth) {
        if (bytes == null || bytes.length == 0) {
            throw EvaluationException.permanent("empty image", null);
        }
        // Not ImageIO.createImageInputStream: with ImageIO's default cache it would spool through a temp file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw EvaluationException.permanent("not an image (neither JPEG nor PNG)", null);
            }
            ImageReader reader = readers.next();
            try {
                return read(reader, in, maxWidth);
            } finally {
                reader.dispose();
            }
        } catch (EvaluationException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // IIOException, or the runtime exceptions some readers throw on corrupt data
            throw EvaluationException.permanent("undecodable image: " + e.getMessage(), e);
        }
    }

    private static GreyFrame read(ImageReader reader, ImageInputStream in, int maxWidth) throws IOException {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!format.equals("jpeg") && !format.equals("png")) {
            throw EvaluationException.permanent("unsupported image format " + format + " (JPEG or PNG expected)",
                    null);
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0 || (long) width * height > MAX_PIXELS) {
            throw EvaluationException.permanent("image of " + width + "x" + height + " pixels refused (at most "
                    + MAX_PIXELS + ")", null);
        }
        int scale = Math.max(1, (width + maxWidth - 1) / maxWidth);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(scale, scale, 0, 0);
        BufferedImage image = reader.read(0, param);
        for (String warning : warnings) {
            if (TRUNCATED.matcher(warning).find()) {
                throw EvaluationException.permanent("undecodable image: " + warning, null);
            }
        }
        return new GreyFrame(image.getWidth(), image.getHeight(), luma(image), scale, width, height);
    }

    private static int[] luma(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] luma = new int[w * h];
        Raster raster = image.getRaster();
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // getRGB would convert the linear grey space to sRGB and brighten every pixel; read the samples.
            int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            raster.getSamples(0, 0, w, h, 0, luma);
            if (max != 255) {
                for (int i = 0; i < luma.length; i++) {
                    luma[i] = luma[i] * 255 / max;
                }
            }
            return luma;
        }
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < rgb.length; i++) {
            int p = rgb[i];
            // Rec. 601 luma in fixed point: 0.299 R + 0.587 G + 0.114 B
            luma[i] = (((p >> 16) & 0xff) * 77 + ((p >> 8) & 0xff) * 150 + (p & 0xff) * 29) >> 8;
        }
        return luma;
    }

    /** Whether a previous frame can be compared pixel for pixel with this one. */
    boolean sameGeometry(GreyFrame other) {
        return width == other.width && height == other.height && scale == other.scale;
    }

    double mean() {
        long sum = 0;
        for (int v : luma) {
            sum += v;
        }
        return (double) sum / luma.length;
    }

    /**
     * Variance of the 4-neighbour Laplacian over the interior: high where there are crisp edges and texture,
     * low when everything is smooth (blur, fog, a covered lens). 0 for frames too small to have an interior.
     */
    double laplacianVariance() {
        if (width < 3 || height < 3) {
            return 0;
        }
        double sum = 0;
        double sumOfSquares = 0;
        for (int y = 1; y < height - 1; y++) {
            int row = y * width;
            for (int x = 1; x < width - 1; x++) {
                int i = row + x;
                int laplacian = luma[i - width] + luma[i + width] + luma[i - 1] + luma[i + 1] - 4 * luma[i];
                sum += laplacian;
                sumOfSquares += (double) laplacian * laplacian;
            }
        }
        double n = (double) (width - 2) * (height - 2);
        double mean = sum / n;
        return Math.max(0, sumOfSquares / n - mean * mean);
    }
}
