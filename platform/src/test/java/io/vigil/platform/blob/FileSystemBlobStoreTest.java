package io.vigil.platform.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the file system, and what only files have: their layout, leftovers of crashes, free space. */
class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path temp;

    private Path root;

    @Override
    protected BlobStore newStore() {
        root = temp.resolve("data").resolve("blobs");
        return new FileSystemBlobStore(root);
    }

    @Override
    protected void age(String key, Duration ago) throws IOException {
        Files.setLastModifiedTime(file(key), FileTime.from(Instant.now().minus(ago)));
    }

    private Path file(String key) {
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    @Test
    void a_blob_is_a_file_two_levels_down_and_nothing_else_is_left() throws IOException {
        assertThat(root).as("created with the first put, not before").doesNotExist();

        store.put(HELLO, "image/jpeg");

        assertThat(file(HELLO_KEY)).exists().hasBinaryContent(HELLO);
        assertThat(files()).containsExactly(file(HELLO_KEY));
    }

    @Test
    void concurrent_puts_leave_no_temporary_file() throws Exception {
        puts_of_the_same_content_at_the_same_moment_store_it_once();

        assertThat(files()).hasSize(1).allSatisfy(f -> assertThat(f.getFileName().toString()).hasSize(64));
    }

    @Test
    void temporary_files_of_crashed_puts_are_removed_once_an_hour_old() throws IOException {
        store.put(HELLO, null);
        Path dir = file(HELLO_KEY).getParent();
        Path crashed = Files.write(dir.resolve(".tmp-crashed"), new byte[] {1, 2});
        Path writing = Files.write(dir.resolve(".tmp-being-written"), new byte[] {3});
        Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minus(Duration.ofMinutes(61))));

        assertThat(((FileSystemBlobStore) store).cleanTemporaryFiles()).isEqualTo(1);

        assertThat(crashed).doesNotExist();
        assertThat(writing).as("perhaps a put in progress").exists();
        assertThat(file(HELLO_KEY)).exists();
    }

    @Test
    void the_walk_of_a_sweep_removes_them_too() throws Exception {
        store.put(HELLO, null);
        Path crashed = Files.write(file(HELLO_KEY).resolveSibling(".tmp-crashed"), new byte[] {1});
        Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minus(Duration.ofHours(5))));

        assertThat(keysOlderThan(Instant.now().plusSeconds(60))).containsExactly(HELLO_KEY);

        assertThat(crashed).doesNotExist();
    }

    @Test
    void files_that_are_no_blobs_are_neither_listed_nor_touched() throws IOException {
        store.put(HELLO, null);
        Path notes = Files.writeString(file(HELLO_KEY).resolveSibling("notes.txt"), "mine");
        String other = BlobKeys.of(bytes("elsewhere"));
        Path misplaced = Files.createDirectories(root.resolve("00").resolve("00")).resolve(other);
        Files.write(misplaced, bytes("elsewhere"));
        Path stray = Files.writeString(Files.createDirectories(root.resolve("lost+found")).resolve(other), "x");

        assertThat(keysOlderThan(Instant.now().plusSeconds(60))).containsExactly(HELLO_KEY);
        assertThat(List.of(notes, misplaced, stray)).allSatisfy(f -> assertThat(f).exists());
    }

    @Test
    void a_blob_damaged_on_the_disk_is_written_again() throws IOException {
        store.put(HELLO, null);
        Files.write(file(HELLO_KEY), new byte[] {1});

        store.put(HELLO, null);

        assertThat(file(HELLO_KEY)).hasBinaryContent(HELLO);
    }

    @Test
    void it_tells_the_free_space_and_where_it_is() {
        assertThat(store.usableSpace()).isPresent();
        assertThat(store.usableSpace().getAsLong()).isPositive();
        assertThat(store.describe()).isEqualTo("filesystem " + root.toAbsolutePath());
    }

    @Test
    void a_directory_that_cannot_be_made_stops_the_start() throws IOException {
        Path file = Files.writeString(temp.resolve("a-file"), "not a directory");

        assertThatThrownBy(() -> new FileSystemBlobStore(file.resolve("blobs")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vigil.blobs.dir").hasMessageContaining(file.toString());
        assertThatThrownBy(() -> new FileSystemBlobStore(file)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_failed_write_is_a_blob_store_exception() throws IOException {
        // the directory of the blob's second level is taken by a file: the put cannot create its directory
        String key = BlobKeys.of(bytes("blocked"));
        Path level = Files.createDirectories(root.resolve(key.substring(0, 2)));
        Files.writeString(level.resolve(key.substring(2, 4)), "in the way");

        assertThatThrownBy(() -> store.put(bytes("blocked"), null)).isInstanceOf(BlobStoreException.class)
                .hasMessageContaining(key);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
