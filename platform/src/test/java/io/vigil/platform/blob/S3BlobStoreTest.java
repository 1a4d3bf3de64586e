package io.vigil.platform.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The contract on a real S3 protocol server (s3proxy, started here, signatures checked), and what only S3 has:
 * object names under the prefix, the bucket check at start-up, checksums that make the store refuse damaged bytes,
 * and failing fast when the store is away. Each test has a bucket of its own on the one server.
 */
class S3BlobStoreTest extends BlobStoreContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path data;

    private static S3ProxyServer server;

    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(data.resolve("s3"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected BlobStore newStore() {
        bucket = "contract-" + BUCKETS.incrementAndGet();
        return S3BlobStore.connect(server.settings(bucket, true));
    }

    @Override
    protected void age(String key, Duration ago) throws IOException {
        Files.setLastModifiedTime(server.file(bucket, objectName(key)), FileTime.from(Instant.now().minus(ago)));
    }

    private static String objectName(String key) {
        return "captures/" + key.substring(0, 2) + "/" + key;
    }

    @Test
    void a_blob_is_an_object_under_the_prefix_with_its_content_type() {
        store.put(HELLO, "image/jpeg");

        assertThat(server.file(bucket, objectName(HELLO_KEY))).exists().hasBinaryContent(HELLO);
        assertThat(store.stat(HELLO_KEY).orElseThrow().contentType()).isEqualTo("image/jpeg");
        assertThat(store.put(HELLO, "image/png").contentType()).as("the stored blob's").isEqualTo("image/jpeg");
    }

    @Test
    void other_objects_in_the_bucket_are_neither_listed_nor_touched() throws IOException {
        store.put(HELLO, null);
        String other = BlobKeys.of(bytes("elsewhere"));
        try (S3Client client = S3BlobStore.client(server.settings(bucket, false))) {
            for (String name : new String[] {"captures/readme.txt", "captures/ab/not-a-key", "thumbnails/" + other,
                    "captures/" + other, "captures/zz/" + other}) {
                client.putObject(b -> b.bucket(bucket).key(name), RequestBody.fromString("mine"));
            }

            assertThat(keysOlderThan(Instant.now().plusSeconds(60))).containsExactly(HELLO_KEY);
            store.list(Instant.now().plusSeconds(60), info -> store.delete(info.key()));

            assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(5);
        }
    }

    @Test
    void bytes_damaged_on_the_way_are_refused_by_the_store() throws Exception {
        ExecutionInterceptor flipAByte = new ExecutionInterceptor() {
            @Override
            public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
                                                           ExecutionAttributes attributes) {
                if (!(context.request() instanceof PutObjectRequest) || context.requestBody().isEmpty()) {
                    return context.requestBody();
                }
                try (InputStream in = context.requestBody().get().contentStreamProvider().newStream()) {
                    byte[] sent = in.readAllBytes();
                    sent[0] ^= 1;
                    return Optional.of(RequestBody.fromBytes(sent));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        try (S3BlobStore damaging = S3BlobStore.connect(server.settings(bucket, false), Clock.systemUTC(),
                flipAByte)) {
            assertThatThrownBy(() -> damaging.put(HELLO, "image/jpeg")).isInstanceOf(BlobStoreException.class);
        }

        assertThat(store.stat(HELLO_KEY)).isEmpty();
        assertThat(server.file(bucket, objectName(HELLO_KEY))).doesNotExist();
    }

    @Test
    void a_missing_bucket_stops_the_start_unless_it_may_be_created() {
        assertThatThrownBy(() -> S3BlobStore.connect(server.settings("never-made", false)))
                .isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("never-made").hasMessageContaining("vigil.blobs.s3.create-bucket");

        try (S3BlobStore first = S3BlobStore.connect(server.settings("made-at-start", true));
             S3BlobStore second = S3BlobStore.connect(server.settings("made-at-start", true))) {
            first.put(HELLO, null);
            assertThat(second.stat(HELLO_KEY)).isPresent();
        }
    }

    @Test
    void refused_credentials_stop_the_start_naming_them() {
        BlobProperties.S3 right = server.settings(bucket, false);
        BlobProperties.S3 wrong = new BlobProperties.S3(right.endpoint(), right.region(), bucket, right.prefix(),
                null, S3ProxyServer.ACCESS_KEY, "not-the-secret", false, right.connectTimeout(),
                right.apiCallTimeout(), 4);

        assertThatThrownBy(() -> S3BlobStore.connect(wrong)).isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("vigil.blobs.s3.secret-key");
    }

    @Test
    void it_has_no_disk_of_its_own_and_tells_where_it_is() {
        assertThat(store.usableSpace()).isEmpty();
        assertThat(store.describe()).isEqualTo("s3 " + bucket + "/captures/@" + server.endpoint());
    }

    @Test
    void a_store_that_is_not_there_fails_within_seconds() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        assertFailsFast(() -> S3BlobStore.connect(settings(URI.create("http://127.0.0.1:" + closedPort),
                Duration.ofSeconds(10))));
    }

    @Test
    void a_store_that_never_answers_fails_at_the_api_call_timeout() throws IOException {
        // accepts connections (the kernel does, from its backlog) and never says a word
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertFailsFast(() -> S3BlobStore.connect(settings(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    Duration.ofSeconds(1))));
        }
    }

    @Test
    void a_store_that_goes_away_fails_every_call_within_seconds() throws Exception {
        S3ProxyServer leaving = S3ProxyServer.start(data.resolve("leaving"));
        try (S3BlobStore orphaned = S3BlobStore.connect(leaving.settings("going", true))) {
            orphaned.put(HELLO, null);
            leaving.close();

            assertFailsFast(() -> orphaned.put(bytes("after"), null));
            assertFailsFast(() -> orphaned.stat(HELLO_KEY));
            assertFailsFast(() -> orphaned.read(HELLO_KEY).close());
            assertFailsFast(() -> orphaned.delete(HELLO_KEY));
            assertFailsFast(() -> orphaned.list(Instant.now(), info -> { }));
        }
    }

    private static BlobProperties.S3 settings(URI endpoint, Duration apiCallTimeout) {
        return new BlobProperties.S3(endpoint, "us-east-1", "anywhere", "captures/", null, S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, false, Duration.ofSeconds(2), apiCallTimeout, 4);
    }

    private static void assertFailsFast(ThrowingCallable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call).isInstanceOf(BlobStoreException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
