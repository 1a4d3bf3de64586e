package io.vigil.platform.blob;

import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects in an S3 bucket (AWS, or an S3-compatible store such as MinIO), for deployments with several
 * instances, which must all see every image. An object is {@code <prefix><k[0..2]>/<key>}: the two-digit level
 * spreads keys over S3's partitions and keeps a listing of one level short.
 * <p>
 * A put asks first (HEAD) whether the content is there, and sends it only when not: images are much larger than
 * a HEAD. It sends the content's SHA-256 (its key) and MD5, so the store refuses bytes damaged on the way instead of
 * storing them under a key they do not match. The SDK's own checksums are asked for only where an operation
 * requires them, which S3-compatible stores that lack AWS's newer ones (trailing CRC32 in aws-chunked bodies) also
 * accept.
 * <p>
 * Calls are blocking, on the SDK's pooled Apache HttpClient 5 client, with a short connect timeout and a bound on
 * the whole call, so a store that is down answers a {@link BlobStoreException} within seconds, not at a request's
 * timeout. Built by {@link #connect}, which checks (or creates) the bucket, so a wrong bucket or credentials stop the
 * start rather than the first capture.
 */
public class S3BlobStore implements BlobStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final int NOT_FOUND = 404;
    private static final int FORBIDDEN = 403;
    private static final int RANGE_NOT_SATISFIABLE = 416;

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final String where;
    private final Clock clock;

    S3BlobStore(S3Client client, String bucket, String prefix, String where, Clock clock) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.where = where;
        this.clock = clock;
    }

    /**
     * A store on the bucket of {@code settings}, which it creates when missing if {@code create-bucket} is set.
     *
     * @throws BlobStoreException the bucket is missing (and not to be created), or S3 cannot be reached or refuses
     *                            the credentials
     */
    public static S3BlobStore connect(BlobProperties.S3 settings) {
        return connect(settings, Clock.systemUTC());
    }

    static S3BlobStore connect(BlobProperties.S3 settings, Clock clock, ExecutionInterceptor... interceptors) {
        if (settings.bucket() == null) {
            throw new IllegalArgumentException("vigil.blobs.s3.bucket must be set");
        }
        S3Client client = client(settings, interceptors);
        try {
            S3BlobStore store = new S3BlobStore(client, settings.bucket(), settings.prefix(), where(settings), clock);
            store.ensureBucket(settings.createBucket(), settings.region());
            return store;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The client for {@code settings}: its timeouts, credentials, addressing and checksum policy. */
    static S3Client client(BlobProperties.S3 settings, ExecutionInterceptor... interceptors) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.effectivePathStyle())
                .credentialsProvider(credentials(settings))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.apiCallTimeout())
                        .connectionAcquisitionTimeout(settings.apiCallTimeout())
                        .maxConnections(settings.maxConnections()))
                .overrideConfiguration(override -> {
                    override.apiCallTimeout(settings.apiCallTimeout());
                    for (ExecutionInterceptor interceptor : interceptors) {
                        override.addExecutionInterceptor(interceptor);
                    }
                });
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(BlobProperties.S3 settings) {
        if (settings.accessKey() != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(),
                    settings.secretKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static String where(BlobProperties.S3 settings) {
        URI endpoint = settings.endpoint();
        return settings.bucket() + "/" + settings.prefix() + "@"
                + (endpoint != null ? endpoint.toString() : "aws " + settings.region());
    }

    private void ensureBucket(boolean create, String region) {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return;
        } catch (NoSuchBucketException e) {
            // below
        } catch (S3Exception e) {
            if (e.statusCode() == FORBIDDEN) {
                throw new BlobStoreException("S3 refuses access to bucket " + bucket + " at " + where
                        + ": check vigil.blobs.s3.access-key and vigil.blobs.s3.secret-key (or the default"
                        + " credentials) and the bucket's policy", e);
            }
            if (e.statusCode() != NOT_FOUND) {
                throw failure("checking bucket " + bucket, e);
            }
        } catch (SdkException e) {
            throw failure("checking bucket " + bucket, e);
        }
        if (!create) {
            throw new BlobStoreException("S3 bucket " + bucket + " does not exist at " + where + ": create it, or set"
                    + " vigil.blobs.s3.create-bucket=true to have Vigil create it");
        }
        try {
            client.createBucket(b -> {
                b.bucket(bucket);
                if (!Region.US_EAST_1.id().equals(region)) {
                    b.createBucketConfiguration(c -> c.locationConstraint(region));
                }
            });
            log.info("Created S3 bucket {} at {}", bucket, where);
        } catch (BucketAlreadyOwnedByYouException e) {
            // another instance created it meanwhile
        } catch (SdkException e) {
            throw failure("creating bucket " + bucket, e);
        }
    }

    /** The object name of a key, once the key is checked: no key can reach outside the prefix. */
    String objectName(String key) {
        BlobKeys.requireValid(key);
        return prefix + key.substring(0, 2) + "/" + key;
    }

    @Override
    public StoredBlob put(byte[] content, String contentType) {
        byte[] sha256 = BlobKeys.sha256(content);
        String key = HexFormat.of().formatHex(sha256);
        String name = objectName(key);
        String type = contentType == null ? OCTET_STREAM : contentType;
        Optional<HeadObjectResponse> existing = head(name);
        if (existing.isPresent() && existing.get().contentLength() == content.length) {
            String storedType = existing.get().contentType() != null ? existing.get().contentType() : type;
            Instant lastModified = existing.get().lastModified();
            if (lastModified == null || !lastModified.isBefore(clock.instant().minus(REFRESH_AFTER))) {
                return new StoredBlob(key, content.length, storedType);
            }
            // sent again, so that its Last-Modified moves forward and an orphan sweep does not take it
            type = storedType;
        }
        Base64.Encoder base64 = Base64.getEncoder();
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(name)
                .contentType(type)
                .contentLength((long) content.length)
                .checksumSHA256(base64.encodeToString(sha256))
                .contentMD5(base64.encodeToString(BlobKeys.digest("MD5").digest(content)))
                .build();
        try {
            client.putObject(request, RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("storing blob " + key, e);
        }
        return new StoredBlob(key, content.length, type);
    }

    private Optional<HeadObjectResponse> head(String name) {
        try {
            return Optional.of(client.headObject(b -> b.bucket(bucket).key(name)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw failure("reading the metadata of " + name, e);
        } catch (SdkException e) {
            throw failure("reading the metadata of " + name, e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        return head(objectName(key)).map(h -> new BlobInfo(key, h.contentLength(), h.lastModified(), h.contentType()));
    }

    @Override
    public InputStream read(String key, long from, long length) {
        String name = objectName(key);
        BlobKeys.requireRange(from, length);
        if (length == 0) {
            if (head(name).isEmpty()) {
                throw new BlobNotFoundException(key);
            }
            return InputStream.nullInputStream();
        }
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(name);
        if (from > 0 || length != Long.MAX_VALUE) {
            boolean toTheEnd = length > Long.MAX_VALUE - from;
            request.range("bytes=" + from + "-" + (toTheEnd ? "" : String.valueOf(from + length - 1)));
        }
        try {
            return client.getObject(request.build());
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                throw new BlobNotFoundException(key);
            }
            if (e.statusCode() == RANGE_NOT_SATISFIABLE) {
                return InputStream.nullInputStream(); // from at or past the end (of a blob that exists: else 404)
            }
            throw failure("reading blob " + key, e);
        } catch (SdkException e) {
            throw failure("reading blob " + key, e);
        }
    }

    /** S3 answers a DELETE alike whether or not the object was there, so a HEAD tells which. */
    @Override
    public boolean delete(String key) {
        String name = objectName(key);
        if (head(name).isEmpty()) {
            return false;
        }
        try {
            client.deleteObject(b -> b.bucket(bucket).key(name));
            return true;
        } catch (SdkException e) {
            throw failure("deleting blob " + key, e);
        }
    }

    /** A page (1,000 objects) at a time; S3 lists no content types, so each {@link BlobInfo}'s is null. */
    @Override
    public void list(Instant olderThan, Consumer<BlobInfo> each) {
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        try {
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
                for (S3Object object : page.contents()) {
                    String key = keyOf(object.key());
                    if (key != null && object.lastModified() != null && object.lastModified().isBefore(olderThan)) {
                        each.accept(new BlobInfo(key, object.size(), object.lastModified(), null));
                    }
                }
            }
        } catch (SdkException e) {
            throw failure("listing blobs", e);
        }
    }

    /** The key an object name holds, or null for another object under the prefix. */
    private String keyOf(String name) {
        String rest = name.substring(prefix.length());
        if (rest.length() != 3 + BlobKeys.LENGTH || rest.charAt(2) != '/') {
            return null;
        }
        String key = rest.substring(3);
        return BlobKeys.isValid(key) && key.startsWith(rest.substring(0, 2)) ? key : null;
    }

    @Override
    public OptionalLong usableSpace() {
        return OptionalLong.empty();
    }

    @Override
    public String describe() {
        return "s3 " + where;
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public void close() {
        client.close();
    }

    private BlobStoreException failure(String what, SdkException e) {
        return new BlobStoreException("S3 at " + where + " failed " + what + ": " + e.getMessage(), e);
    }
}
