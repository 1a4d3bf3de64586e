package io.vigil.platform.blob;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where capture images are kept ({@code vigil.blobs.*}): files in the data directory by default, which is all one
 * instance needs; S3 (or any S3-compatible store: MinIO, Ceph, Garage) once several instances must see the same
 * images. Checked when bound, so a deployment that forgets the bucket fails at start-up naming the property, not at
 * its first capture.
 *
 * @param type where blobs go: {@code filesystem} (default) or {@code s3}
 * @param dir  directory of the {@code filesystem} store; default {@code <vigil.home>/blobs}
 *             ({@code vigil-platform.properties}), so the local run keeps them beside its database
 * @param s3   the {@code s3} store's connection
 */
@ConfigurationProperties("vigil.blobs")
public record BlobProperties(@DefaultValue("filesystem") Type type,
                             @DefaultValue(".vigil/blobs") Path dir,
                             @DefaultValue S3 s3) {

    public BlobProperties {
        if (type == null) {
            type = Type.FILESYSTEM;
        }
        if (dir == null) {
            dir = Path.of(".vigil", "blobs");
        }
        if (s3 == null) {
            s3 = S3.defaults();
        }
        if (type == Type.S3 && s3.bucket() == null) {
            throw new IllegalArgumentException("vigil.blobs.s3.bucket must be set when vigil.blobs.type=s3");
        }
    }

    /** Kinds of store. */
    public enum Type {
        FILESYSTEM, S3
    }

    /**
     * @param endpoint          the S3 API's URL, e.g. {@code http://minio:9000}; unset: AWS itself, by region
     * @param region            signing region (and the AWS region without an endpoint)
     * @param bucket            the bucket; required with {@code type=s3}
     * @param prefix            put before every object name, so one bucket can hold other things too; a blob is
     *                          {@code <prefix><k[0..2]>/<key>}. A {@code /} is added when missing; empty for none
     * @param pathStyle         {@code http://host/bucket/key} rather than {@code http://bucket.host/key}; unset:
     *                          path style exactly when an endpoint is given (what MinIO and most S3-compatible
     *                          stores need), virtual hosts on AWS
     * @param accessKey         access key id; unset with {@code secretKey}: the SDK's default credentials chain
     *                          (environment, profile, container or instance role)
     * @param secretKey         secret access key, given with {@code accessKey}
     * @param createBucket      create the bucket at start-up when missing; otherwise a missing bucket stops the start
     * @param connectTimeout    how long to wait for a TCP connection, so a store that is down is noticed fast
     * @param apiCallTimeout    how long one call may take in all, retries included; a read's stream is then bounded
     *                          by the same time between two packets
     * @param maxConnections    pooled connections; each open read stream holds one until closed
     */
    public record S3(URI endpoint,
                     @DefaultValue("us-east-1") String region,
                     String bucket,
                     @DefaultValue("captures/") String prefix,
                     Boolean pathStyle,
                     String accessKey,
                     String secretKey,
                     @DefaultValue("false") boolean createBucket,
                     @DefaultValue("2s") Duration connectTimeout,
                     @DefaultValue("15s") Duration apiCallTimeout,
                     @DefaultValue("50") int maxConnections) {
        /** S3's bucket naming rules, which MinIO and the others follow too. */
        private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

        public S3 {
            if (endpoint != null && (!endpoint.isAbsolute() || endpoint.getHost() == null
                    || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
                throw new IllegalArgumentException("vigil.blobs.s3.endpoint must be an http or https URL, not "
                        + endpoint);
            }
            region = blank(region) ? "us-east-1" : region.trim();
            bucket = blank(bucket) ? null : bucket.trim();
            if (bucket != null && !BUCKET.matcher(bucket).matches()) {
                throw new IllegalArgumentException("vigil.blobs.s3.bucket must be a bucket name (3 to 63 lowercase"
                        + " letters, digits, dots and hyphens), not " + bucket);
            }
            prefix = normalizePrefix(prefix);
            accessKey = blank(accessKey) ? null : accessKey.trim();
            secretKey = blank(secretKey) ? null : secretKey;
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("vigil.blobs.s3.access-key and vigil.blobs.s3.secret-key go"
                        + " together: give both, or neither for the default credentials chain");
            }
            connectTimeout = positive(connectTimeout, Duration.ofSeconds(2), "connect-timeout");
            apiCallTimeout = positive(apiCallTimeout, Duration.ofSeconds(15), "api-call-timeout");
            if (maxConnections < 1) {
                throw new IllegalArgumentException("vigil.blobs.s3.max-connections must be at least 1");
            }
        }

        /** Every default, and no bucket. */
        public static S3 defaults() {
            return new S3(null, "us-east-1", null, "captures/", null, null, null, false, Duration.ofSeconds(2),
                    Duration.ofSeconds(15), 50);
        }

        /** This connection to another bucket (a test's, or one made per tenant). */
        public S3 withBucket(String bucket) {
            return new S3(endpoint, region, bucket, prefix, pathStyle, accessKey, secretKey, createBucket,
                    connectTimeout, apiCallTimeout, maxConnections);
        }

        /** Path-style URLs as configured, or by default exactly when an endpoint is given. */
        public boolean effectivePathStyle() {
            return pathStyle != null ? pathStyle : endpoint != null;
        }

        private static String normalizePrefix(String prefix) {
            if (prefix == null) {
                return "captures/";
            }
            String trimmed = prefix.trim();
            while (trimmed.startsWith("/")) {
                trimmed = trimmed.substring(1);
            }
            return trimmed.isEmpty() || trimmed.endsWith("/") ? trimmed : trimmed + "/";
        }

        private static Duration positive(Duration value, Duration otherwise, String name) {
            if (value == null) {
                return otherwise;
            }
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("vigil.blobs.s3." + name + " must be positive, not " + value);
            }
            return value;
        }

        private static boolean blank(String text) {
            return text == null || text.isBlank();
        }

        /** Without the secret key, which must never reach a log. */
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                    + ", pathStyle=" + effectivePathStyle() + ", accessKey=" + accessKey + ", createBucket="
                    + createBucket + ", connectTimeout=" + connectTimeout + ", apiCallTimeout=" + apiCallTimeout
                    + ", maxConnections=" + maxConnections + "]";
        }
    }
}
