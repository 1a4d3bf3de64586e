package io.vigil.command.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.DomainException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageInspectorTest {

    static byte[] encode(String format, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(3, 3, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static String code(byte[] image, String declared) {
        try {
            ImageInspector.inspect(image, declared);
        } catch (DomainException e) {
            return e.code();
        }
        return null;
    }

    @Test
    void a_jpeg_and_a_png_are_told_by_their_bytes_with_their_size_from_the_header() throws Exception {
        assertThat(ImageInspector.inspect(encode("jpg", 64, 48), null))
                .isEqualTo(new ImageInspector.Inspected("image/jpeg", 64, 48));
        assertThat(ImageInspector.inspect(encode("png", 30, 20), "image/png"))
                .isEqualTo(new ImageInspector.Inspected("image/png", 30, 20));
    }

    @Test
    void a_jpeg_padded_after_its_end_marker_is_whole_and_one_cut_short_is_not() throws Exception {
        byte[] jpeg = encode("jpg", 64, 48);
        byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 100);
        assertThat(ImageInspector.inspect(padded, null).width()).isEqualTo(64);
        assertThat(code(Arrays.copyOf(jpeg, jpeg.length - 1), null)).isEqualTo("image_truncated");
        assertThat(code(Arrays.copyOf(jpeg, jpeg.length / 2), null)).isEqualTo("image_truncated");
        byte[] png = encode("png", 30, 20);
        assertThat(code(Arrays.copyOf(png, png.length - 4), null)).isEqualTo("image_truncated");
    }

    @Test
    void bytes_that_are_not_what_they_were_sent_as_or_not_an_image_at_all_are_refused() throws Exception {
        assertThat(code(encode("png", 30, 20), ImageInspector.declaredType("image/jpeg", "frame.jpg")))
                .isEqualTo("image_type_mismatch");
        assertThat(code(encode("png", 30, 20), ImageInspector.declaredType(null, "frame.jpg")))
                .isEqualTo("image_type_mismatch");
        assertThat(code("GIF89a-not-ours".getBytes(), null)).isEqualTo("unsupported_image_type");
        assertThat(code(new byte[0], null)).isEqualTo("invalid_image");
        // the JPEG's markers are there but its header is garbage
        byte[] garbage = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2, 3, 4, 5, (byte) 0xff, (byte) 0xd9};
        assertThat(code(garbage, null)).isEqualTo("invalid_image");
    }

    @Test
    void a_declared_type_comes_from_the_parts_content_type_or_else_the_file_name() {
        assertThat(ImageInspector.declaredType("image/jpg", "x.png")).isEqualTo("image/jpeg");
        assertThat(ImageInspector.declaredType("application/octet-stream", "x.PNG")).isEqualTo("image/png");
        assertThat(ImageInspector.declaredType(null, "x.bin")).isNull();
    }
}
