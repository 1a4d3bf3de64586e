package io.vigil.command.capture;

import io.vigil.core.DomainException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * What an upload's bytes really are: JPEG or PNG by their magic bytes, whole (a JPEG ends with its EOI marker, a
 * PNG with its IEND chunk), and with a header that decodes to a width and a height. Cheap: only the header is read,
 * the image is not decoded (the evaluator does that, off the request path).
 */
public final class ImageInspector {
    public static final String JPEG = "image/jpeg";
    public static final String PNG = "image/png";
    /** Larger images are refused: decoding one would take the evaluator's memory (a decompression bomb). */
    public static final long MAX_PIXELS = 50_000_000L;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};
    /** Cameras may pad a JPEG after its EOI marker; this much padding is looked past. */
    private static final int MAX_JPEG_PADDING = 512;

    private ImageInspector() {
    }

    public record Inspected(String contentType, int width, int height) {
    }

    /**
     * @param declared the type the client declared (a part's Content-Type, a file name's extension), or null: an
     *                 image that is not what it says is refused, since the client's record of it would be wrong
     */
    public static Inspected inspect(byte[] image, String declared) {
        if (image.length == 0) {
            throw DomainException.invalid("invalid_image", "The image is empty");
        }
        String type = typeOf(image);
        if (type == null) {
            throw DomainException.invalid("unsupported_image_type", "The image must be a JPEG or a PNG; these bytes are"
                    + " neither");
        }
        if (declared != null && !declared.equals(type)) {
            throw DomainException.invalid("image_type_mismatch", "The image was sent as " + declared + " but its bytes"
                    + " are a " + (type.equals(JPEG) ? "JPEG" : "PNG"));
        }
        if (!whole(image, type)) {
            throw DomainException.invalid("image_truncated", "The " + (type.equals(JPEG) ? "JPEG" : "PNG")
                    + " is cut short (it does not end with its end marker): the upload lost its tail");
        }
        int[] size = dimensions(image, type);
        if ((long) size[0] * size[1] > MAX_PIXELS) {
            throw DomainException.invalid("image_too_many_pixels", "The image is " + size[0] + "x" + size[1]
                    + "; at most " + MAX_PIXELS + " pixels are accepted");
        }
        return new Inspected(type, size[0], size[1]);
    }

    /** {@code image/jpeg} for {@code image/jpeg}, {@code image/jpg}, {@code .jpg}, {@code .jpeg}; null when unknown. */
    public static String declaredType(String contentType, String fileName) {
        if (contentType != null && !contentType.isBlank() && !contentType.startsWith("application/octet-stream")) {
            String t = contentType.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim();
            return switch (t) {
                case "image/jpeg", "image/jpg", "image/pjpeg" -> JPEG;
                case "image/png" -> PNG;
                default -> t;
            };
        }
        if (fileName != null) {
            String n = fileName.toLowerCase(java.util.Locale.ROOT);
            if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
                return JPEG;
            }
            if (n.endsWith(".png")) {
                return PNG;
            }
        }
        return null;
    }

    static String typeOf(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return JPEG;
        }
        if (b.length >= PNG_SIGNATURE.length && java.util.Arrays.equals(b, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0,
                PNG_SIGNATURE.length)) {
            return PNG;
        }
        return null;
    }

    private static boolean whole(byte[] b, String type) {
        if (type.equals(PNG)) {
            return b.length >= PNG_SIGNATURE.length + PNG_IEND.length && java.util.Arrays.equals(b,
                    b.length - PNG_IEND.length, b.length, PNG_IEND, 0, PNG_IEND.length);
        }
        // the EOI marker, followed by nothing but padding
        int limit = Math.max(0, b.length - MAX_JPEG_PADDING - 2);
        for (int i = b.length - 2; i >= limit; i--) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) {
                return true;
            }
            int after = b[i + 1] & 0xff;
            if (after != 0x00 && after != 0xff && after != '\n' && after != '\r') {
                return false;
            }
        }
        return false;
    }

    private static int[] dimensions(byte[] image, String type) {
        // not ImageIO.createImageInputStream: with ImageIO's default cache it spools every upload through a temp file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type);
            if (!readers.hasNext()) {
                throw new IllegalStateException("no ImageIO reader for " + type);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
            throw DomainException.invalid("invalid_image", "The image's header cannot be read: it is not a valid "
                    + (type.equals(JPEG) ? "JPEG" : "PNG"));
        }
    }
}
