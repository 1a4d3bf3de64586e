package io.vigil.platform.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobStore} does, whatever it keeps blobs in: the file system and S3 pass the same tests, so code
 * written against one behaves the same on the other. A subclass gives a fresh, empty store per test and a way to
 * make a blob look older than it is (so ages are tested without waiting).
 */
abstract class BlobStoreContract {
    static final byte[] HELLO = "hello, camera".getBytes(StandardCharsets.UTF_8);
    /** SHA-256 of {@link #HELLO}, computed independently of the store. */
    static final String HELLO_KEY = HexFormat.of().formatHex(BlobKeys.digest("SHA-256").digest(HELLO));

    protected BlobStore store;

    /** A new store with nothing in it. */
    protected abstract BlobStore newStore() throws Exception;

    /** Makes the blob look last written {@code ago} before now. */
    protected abstract void age(String key, Duration ago) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void a_put_answers_the_sha256_of_the_content_and_reads_back_the_same_bytes() throws IOException {
        StoredBlob stored = store.put(HELLO, "image/jpeg");

        assertThat(stored.key()).isEqualTo(HELLO_KEY).isEqualTo(BlobKeys.of(HELLO));
        assertThat(stored.size()).isEqualTo(HELLO.length);
        assertThat(stored.contentType()).isEqualTo("image/jpeg");
        assertThat(readAll(store.read(HELLO_KEY))).isEqualTo(HELLO);
    }

    @Test
    void without_a_content_type_a_blob_is_an_octet_stream() {
        assertThat(store.put(HELLO, null).contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void stat_tells_size_and_age_and_nothing_for_an_unknown_key() {
        Instant before = Instant.now();
        store.put(HELLO, "image/jpeg");
        Instant after = Instant.now();

        BlobInfo info = store.stat(HELLO_KEY).orElseThrow();
        assertThat(info.key()).isEqualTo(HELLO_KEY);
        assertThat(info.size()).isEqualTo(HELLO.length);
        // S3's Last-Modified has whole seconds, a file's mtime the kernel's coarse clock
        assertThat(info.lastModified()).isBetween(before.minusSeconds(2), after.plusSeconds(2));
        assertThat(store.stat(BlobKeys.of(new byte[] {1, 2, 3}))).isEmpty();
    }

    @Test
    void a_range_is_the_bytes_of_an_http_range_request() throws IOException {
        byte[] digits = "0123456789".getBytes(StandardCharsets.US_ASCII);
        String key = store.put(digits, "text/plain").key();

        assertThat(text(store.read(key, 0, 1))).isEqualTo("0");
        assertThat(text(store.read(key, 2, 3))).as("bytes=2-4").isEqualTo("234");
        assertThat(text(store.read(key, 7, Long.MAX_VALUE))).as("bytes=7-").isEqualTo("789");
        assertThat(text(store.read(key, 8, 100))).as("past the end: what there is").isEqualTo("89");
        assertThat(text(store.read(key, 9, 1))).as("the last byte").isEqualTo("9");
        assertThat(text(store.read(key, 10, 5))).as("from the end").isEmpty();
        assertThat(text(store.read(key, 50, 5))).as("from past the end").isEmpty();
        assertThat(text(store.read(key, 3, 0))).as("no bytes").isEmpty();
        assertThat(text(store.read(key, 0, Long.MAX_VALUE))).isEqualTo("0123456789");
    }

    @Test
    void a_range_is_never_negative() {
        String key = store.put(HELLO, null).key();

        assertThatThrownBy(() -> store.read(key, -1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read(key, 0, -3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_empty_blob_is_a_blob() throws IOException {
        StoredBlob stored = store.put(new byte[0], "image/jpeg");

        assertThat(stored.key()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(stored.size()).isZero();
        assertThat(store.stat(stored.key()).orElseThrow().size()).isZero();
        assertThat(readAll(store.read(stored.key()))).isEmpty();
        assertThat(readAll(store.read(stored.key(), 0, 10))).isEmpty();
    }

    @Test
    void a_large_blob_reads_back_whole_and_in_ranges() throws IOException {
        byte[] image = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(image);

        String key = store.put(image, "image/png").key();

        assertThat(readAll(store.read(key))).isEqualTo(image);
        assertThat(readAll(store.read(key, image.length - 1000, 1000)))
                .isEqualTo(Arrays.copyOfRange(image, image.length - 1000, image.length));
        assertThat(readAll(store.read(key, 1_000_000, 65_536)))
                .isEqualTo(Arrays.copyOfRange(image, 1_000_000, 1_065_536));
    }

    @Test
    void what_is_not_there_cannot_be_read_and_deleting_it_is_no_error() {
        String absent = BlobKeys.of("never stored".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.read(absent)).isInstanceOf(BlobNotFoundException.class)
                .satisfies(e -> assertThat(((BlobNotFoundException) e).key()).isEqualTo(absent));
        assertThatThrownBy(() -> store.read(absent, 5, 10)).isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> store.read(absent, 0, 0)).isInstanceOf(BlobNotFoundException.class);
        assertThat(store.delete(absent)).isFalse();
    }

    @Test
    void delete_is_idempotent_and_tells_whether_there_was_a_blob() {
        store.put(HELLO, null);

        assertThat(store.delete(HELLO_KEY)).isTrue();
        assertThat(store.delete(HELLO_KEY)).isFalse();
        assertThat(store.stat(HELLO_KEY)).isEmpty();
        assertThatThrownBy(() -> store.read(HELLO_KEY)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void the_same_content_stored_twice_is_stored_once() throws Exception {
        store.put(HELLO, "image/jpeg");
        age(HELLO_KEY, Duration.ofMinutes(10));
        Instant written = store.stat(HELLO_KEY).orElseThrow().lastModified();

        StoredBlob again = store.put(HELLO, "image/jpeg");

        assertThat(again.key()).isEqualTo(HELLO_KEY);
        assertThat(store.stat(HELLO_KEY).orElseThrow().lastModified()).as("not written again").isEqualTo(written);
        assertThat(keysOlderThan(Instant.now().plusSeconds(60))).containsExactly(HELLO_KEY);
    }

    @Test
    void storing_old_content_again_makes_it_young_so_that_an_orphan_sweep_spares_it() throws Exception {
        store.put(HELLO, "image/jpeg");
        age(HELLO_KEY, Duration.ofDays(2));
        assertThat(keysOlderThan(Instant.now().minus(Duration.ofDays(1)))).containsExactly(HELLO_KEY);

        store.put(HELLO, "image/jpeg");

        assertThat(store.stat(HELLO_KEY).orElseThrow().lastModified())
                .isAfter(Instant.now().minus(BlobStore.REFRESH_AFTER));
        assertThat(keysOlderThan(Instant.now().minus(Duration.ofDays(1)))).isEmpty();
        assertThat(readAll(store.read(HELLO_KEY))).isEqualTo(HELLO);
    }

    @Test
    void puts_of_the_same_content_at_the_same_moment_store_it_once() throws Exception {
        byte[] image = new byte[256 * 1024];
        new Random(7).nextBytes(image);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<StoredBlob>> puts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                puts.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return store.put(image, "image/jpeg");
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            for (Future<StoredBlob> put : puts) {
                assertThat(put.get(30, TimeUnit.SECONDS).key()).isEqualTo(BlobKeys.of(image));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(readAll(store.read(BlobKeys.of(image)))).isEqualTo(image);
        assertThat(keysOlderThan(Instant.now().plusSeconds(60))).containsExactly(BlobKeys.of(image));
    }

    @Test
    void keys_that_could_name_anything_else_are_refused() {
        String valid = HELLO_KEY;
        List<String> notKeys = Arrays.asList(null, "", "..", "../../../../etc/passwd", "/etc/passwd",
                "../" + valid.substring(3), valid.substring(0, 61) + "/..", "..\\" + valid.substring(3),
                valid.substring(0, 2) + "/" + valid.substring(3), valid.toUpperCase(), valid + "0",
                valid.substring(1), valid.substring(0, 63) + "\u0000", valid.substring(0, 63) + "g",
                "%2e%2e%2f" + valid.substring(9), valid.substring(0, 63) + "\u0660");
        store.put(HELLO, null);

        for (String notKey : notKeys) {
            assertThatThrownBy(() -> store.stat(notKey)).as("stat %s", notKey)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.read(notKey)).as("read %s", notKey)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.read(notKey, 0, 10)).as("range %s", notKey)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(notKey)).as("delete %s", notKey)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.stat(HELLO_KEY)).isPresent();
    }

    @Test
    void list_hands_over_the_blobs_modified_before_the_cut_and_no_others() throws Exception {
        String old = store.put(bytes("old"), null).key();
        String older = store.put(bytes("older"), null).key();
        String young = store.put(bytes("young"), null).key();
        age(old, Duration.ofHours(2));
        age(older, Duration.ofHours(3));

        List<BlobInfo> listed = new ArrayList<>();
        store.list(Instant.now().minus(Duration.ofHours(1)), listed::add);

        assertThat(listed).extracting(BlobInfo::key).containsExactlyInAnyOrder(old, older);
        assertThat(listed).filteredOn(i -> i.key().equals(older)).singleElement()
                .satisfies(i -> assertThat(i.size()).isEqualTo(bytes("older").length))
                .satisfies(i -> assertThat(i.lastModified()).isBefore(Instant.now().minus(Duration.ofMinutes(179))));
        assertThat(keysOlderThan(Instant.now().plusSeconds(60))).containsExactlyInAnyOrder(old, older, young);
        assertThat(keysOlderThan(Instant.now().minus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void a_sweep_may_delete_each_blob_it_is_handed() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add(store.put(bytes("capture " + i), "image/jpeg").key());
        }

        List<String> deleted = new ArrayList<>();
        store.list(Instant.now().plusSeconds(60), info -> {
            assertThat(store.delete(info.key())).isTrue();
            deleted.add(info.key());
        });

        assertThat(deleted).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(keysOlderThan(Instant.now().plusSeconds(60))).isEmpty();
    }

    @Test
    void a_failure_in_the_consumer_stops_the_walk_and_reaches_the_caller() {
        store.put(bytes("a"), null);
        store.put(bytes("b"), null);
        IllegalStateException stop = new IllegalStateException("stop");
        List<BlobInfo> seen = new ArrayList<>();

        assertThatThrownBy(() -> store.list(Instant.now().plusSeconds(60), info -> {
            seen.add(info);
            throw stop;
        })).isSameAs(stop);
        assertThat(seen).hasSize(1);
    }

    @Test
    void an_empty_store_lists_nothing() {
        assertThat(keysOlderThan(Instant.now().plusSeconds(60))).isEmpty();
    }

    @Test
    void it_says_where_it_keeps_the_blobs() {
        assertThat(store.describe()).isNotBlank();
    }

    protected List<String> keysOlderThan(Instant cut) {
        List<String> keys = new ArrayList<>();
        store.list(cut, info -> keys.add(info.key()));
        return keys;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static String text(InputStream in) throws IOException {
        return new String(readAll(in), StandardCharsets.US_ASCII);
    }
}
