package io.vigil.platform.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A deployment that asks for S3 and forgets the bucket (or half the credentials) fails at start-up, naming the property. */
class BlobPropertiesTest {
    private static final URI MINIO = URI.create("http://minio:9000");

    @Test
    void by_default_blobs_are_files() {
        BlobProperties properties = new BlobProperties(null, null, null);

        assertThat(properties.type()).isEqualTo(BlobProperties.Type.FILESYSTEM);
        assertThat(properties.dir()).isEqualTo(Path.of(".vigil/blobs"));
        assertThat(properties.s3().region()).isEqualTo("us-east-1");
        assertThat(properties.s3().prefix()).isEqualTo("captures/");
    }

    @Test
    void s3_needs_a_bucket() {
        assertThatThrownBy(() -> new BlobProperties(BlobProperties.Type.S3, null, BlobProperties.S3.defaults()))
                .hasMessageContaining("vigil.blobs.s3.bucket");
        assertThatThrownBy(() -> new BlobProperties(BlobProperties.Type.S3, null, s3(MINIO, " ", "captures/", null)))
                .hasMessageContaining("vigil.blobs.s3.bucket");
        assertThatThrownBy(() -> s3(MINIO, "Not_A_Bucket", "captures/", null))
                .hasMessageContaining("vigil.blobs.s3.bucket");
        assertThat(new BlobProperties(BlobProperties.Type.S3, null, s3(MINIO, "vigil", "captures/", null)).s3().bucket())
                .isEqualTo("vigil");
    }

    @Test
    void path_style_unless_told_otherwise_exactly_when_an_endpoint_is_given() {
        assertThat(s3(MINIO, "vigil", "captures/", null).effectivePathStyle()).isTrue();
        assertThat(s3(null, "vigil", "captures/", null).effectivePathStyle()).isFalse();
        assertThat(s3(MINIO, "vigil", "captures/", false).effectivePathStyle()).isFalse();
        assertThat(s3(null, "vigil", "captures/", true).effectivePathStyle()).isTrue();
    }

    @Test
    void the_prefix_is_a_folder() {
        assertThat(s3(null, "vigil", "photos", null).prefix()).isEqualTo("photos/");
        assertThat(s3(null, "vigil", "/lab/photos/", null).prefix()).isEqualTo("lab/photos/");
        assertThat(s3(null, "vigil", "", null).prefix()).isEmpty();
    }

    @Test
    void credentials_come_in_pairs_and_the_secret_is_never_shown() {
        assertThatThrownBy(() -> new BlobProperties.S3(MINIO, null, "vigil", null, null, "AKIA", null, false, null,
                null, 50)).hasMessageContaining("vigil.blobs.s3.access-key").hasMessageContaining("secret-key");

        BlobProperties.S3 s3 = new BlobProperties.S3(MINIO, null, "vigil", null, null, "AKIA", "s3cr3t-value",
                false, null, null, 50);
        assertThat(s3.toString()).contains("AKIA").doesNotContain("s3cr3t-value");
    }

    @Test
    void the_endpoint_is_a_url_and_timeouts_are_positive() {
        assertThatThrownBy(() -> s3(URI.create("minio:9000"), "vigil", null, null))
                .hasMessageContaining("vigil.blobs.s3.endpoint");
        assertThatThrownBy(() -> new BlobProperties.S3(MINIO, null, "vigil", null, null, null, null, false,
                Duration.ZERO, null, 50)).hasMessageContaining("vigil.blobs.s3.connect-timeout");
        assertThatThrownBy(() -> new BlobProperties.S3(MINIO, null, "vigil", null, null, null, null, false, null,
                Duration.ofSeconds(-1), 50)).hasMessageContaining("vigil.blobs.s3.api-call-timeout");
    }

    private static BlobProperties.S3 s3(URI endpoint, String bucket, String prefix, Boolean pathStyle) {
        return new BlobProperties.S3(endpoint, "us-east-1", bucket, prefix, pathStyle, null, null, false,
                Duration.ofSeconds(2), Duration.ofSeconds(15), 50);
    }
}
