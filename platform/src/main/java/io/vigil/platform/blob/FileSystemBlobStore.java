package io.vigil.platform.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as files under one directory, the default of a single instance (the local run keeps them in
 * {@code <vigil.home>/blobs}). A blob is {@code <root>/<k[0..2]>/<k[2..4]>/<key>}: two levels of 256 directories
 * keep every directory small at millions of blobs.
 * <p>
 * A put writes a temporary file beside the final one, forces it to the disk, checks that what is on the disk
 * hashes to the key, renames it into place atomically and forces the directory, so a blob is either absent or
 * whole and durable, whatever crashes. Two puts of the same content race harmlessly: each writes its own temporary
 * file, and the second rename replaces identical bytes. A crash can leave a temporary file ({@code .tmp-*}), which
 * {@link #list} and {@link #cleanTemporaryFiles} remove once it is older than {@link #TEMPORARY_FILE_AGE}.
 * <p>
 * Content types are not kept (the capture records its own); {@code lastModified} is the file's mtime.
 */
public class FileSystemBlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(FileSystemBlobStore.class);
    /** How old a temporary file must be before it is taken for a crashed put's leftover: no put takes that long. */
    public static final Duration TEMPORARY_FILE_AGE = Duration.ofHours(1);
    static final String TEMPORARY_PREFIX = ".tmp-";
    private static final Pattern LEVEL = Pattern.compile("[0-9a-f]{2}");
    private static final String OCTET_STREAM = "application/octet-stream";

    private final Path root;
    private final Clock clock;

    /**
     * A store in {@code root}, created with the first put. Fails now when {@code root}, or the directory it would
     * be created in, cannot be written, rather than at the first capture.
     */
    public FileSystemBlobStore(Path root) {
        this(root, Clock.systemUTC());
    }

    FileSystemBlobStore(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
        Path existing = this.root;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new IllegalStateException("vigil.blobs.dir " + this.root + " cannot be written"
                    + (existing == null || existing.equals(this.root) ? "" : " (nor created in " + existing + ")"));
        }
    }

    /** The directory the blobs are in. */
    public Path root() {
        return root;
    }

    /** Where the blob with {@code key} is (or would be); the key is checked first, so the path stays under the root. */
    Path path(String key) {
        BlobKeys.requireValid(key);
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    @Override
    public StoredBlob put(byte[] content, String contentType) {
        String key = BlobKeys.of(content);
        String type = contentType == null ? OCTET_STREAM : contentType;
        Path target = path(key);
        Path dir = target.getParent();
        try {
            if (refreshIfPresent(target, content.length)) {
                return new StoredBlob(key, content.length, type);
            }
            createDirectories(dir);
            Path temporary = dir.resolve(TEMPORARY_PREFIX + UUID.randomUUID());
            try {
                write(temporary, content, key);
                if (size(target) == content.length) {
                    // another put of the same content got there first
                    Files.delete(temporary);
                } else {
                    move(temporary, target);
                    forceDirectory(dir);
                }
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temporary, e);
                throw e;
            }
            return new StoredBlob(key, content.length, type);
        } catch (IOException | UncheckedIOException e) {
            throw new BlobStoreException("could not store blob " + key + " in " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the blob is already there, whole; moves its mtime forward when it is older than
     * {@link #REFRESH_AFTER}, so that an orphan sweep does not take content that was just put again for an orphan.
     */
    private boolean refreshIfPresent(Path target, long size) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (attributes.size() != size) {
            log.warn("Blob {} has {} bytes on the disk instead of {}: writing it again", target, attributes.size(), size);
            return false;
        }
        Instant now = clock.instant();
        if (attributes.lastModifiedTime().toInstant().isBefore(now.minus(REFRESH_AFTER))) {
            try {
                Files.setLastModifiedTime(target, FileTime.from(now));
            } catch (NoSuchFileException e) {
                return false; // deleted meanwhile (a sweep): write it again
            }
        }
        return true;
    }

    /** Writes, forces and reads back {@code content}: what is on the disk must hash to the key. */
    private static void write(Path temporary, byte[] content, String key) throws IOException {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            MessageDigest sha256 = BlobKeys.digest("SHA-256");
            ByteBuffer readBack = ByteBuffer.allocate(64 * 1024);
            long position = 0;
            int read;
            while ((read = channel.read(readBack, position)) > 0) {
                position += read;
                readBack.flip();
                sha256.update(readBack);
                readBack.clear();
            }
            if (position != content.length || !Arrays.equals(sha256.digest(), BlobKeys.sha256(content))) {
                // the array changed under the put, or the disk does not give back what it was given
                throw new IOException("the bytes on the disk do not hash to " + key);
            }
        }
    }

    /** The size of the file, -1 when there is none. */
    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path temporary, Exception failure) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void move(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // a file system whose rename does not replace: the same content is there already
            Files.deleteIfExists(temporary);
        }
    }

    /** Creates the blob's directories, forcing each parent whose entries changed so that the new ones survive a crash. */
    private static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path existing = dir.getParent();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        Files.createDirectories(dir);
        for (Path parent = dir.getParent(); parent != null; parent = parent.getParent()) {
            forceDirectory(parent);
            if (parent.equals(existing)) {
                break;
            }
        }
    }

    /** fsync of a directory, so a rename or a new entry in it is durable; some systems refuse it, which costs only that. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("Could not force directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        Path path = path(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return Optional.of(new BlobInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant(), null));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobStoreException("could not read the attributes of blob " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream read(String key, long from, long length) {
        Path path = path(key);
        BlobKeys.requireRange(from, length);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(key);
        } catch (IOException e) {
            throw new BlobStoreException("could not open blob " + key + ": " + e.getMessage(), e);
        }
        try {
            long size = channel.size();
            long available = Math.max(0, size - from);
            channel.position(Math.min(from, size));
            return new BoundedInputStream(Channels.newInputStream(channel), Math.min(length, available));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BlobStoreException("could not read blob " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String key) {
        Path path = path(key);
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new BlobStoreException("could not delete blob " + key + ": " + e.getMessage(), e);
        }
    }

    /** Directory by directory, in key order; on the way removes temporary files left by crashed puts. */
    @Override
    public void list(Instant olderThan, Consumer<BlobInfo> each) {
        walk(olderThan, each);
    }

    /** Removes the temporary files that crashed puts left, once older than {@link #TEMPORARY_FILE_AGE}; answers how many. */
    public int cleanTemporaryFiles() {
        return walk(null, null);
    }

    private int walk(Instant olderThan, Consumer<BlobInfo> each) {
        Instant temporaryBefore = clock.instant().minus(TEMPORARY_FILE_AGE);
        int removed = 0;
        try {
            for (Path first : levels(root)) {
                for (Path second : levels(first)) {
                    String prefix = first.getFileName().toString() + second.getFileName();
                    for (Path file : entries(second)) {
                        String name = file.getFileName().toString();
                        if (name.startsWith(TEMPORARY_PREFIX)) {
                            removed += removeIfOlder(file, temporaryBefore) ? 1 : 0;
                        } else if (each != null && BlobKeys.isValid(name) && name.startsWith(prefix)) {
                            attributes(file).filter(a -> a.lastModifiedTime().toInstant().isBefore(olderThan))
                                    .ifPresent(a -> each.accept(new BlobInfo(name, a.size(),
                                            a.lastModifiedTime().toInstant(), null)));
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BlobStoreException("could not list the blobs in " + root + ": " + e.getMessage(), e);
        }
        if (removed > 0) {
            log.info("Removed {} temporary files that interrupted puts left in {}", removed, root);
        }
        return removed;
    }

    /** The two-hex-digit subdirectories of {@code dir}, sorted: 256 at most. */
    private static List<Path> levels(Path dir) throws IOException {
        List<Path> levels = new ArrayList<>();
        for (Path entry : entries(dir)) {
            if (LEVEL.matcher(entry.getFileName().toString()).matches() && Files.isDirectory(entry)) {
                levels.add(entry);
            }
        }
        return levels;
    }

    /**
     * The entries of one directory, sorted; a leaf holds about n / 65536 blobs, so this is a bounded list, and
     * reading it whole lets the caller delete entries while it goes.
     */
    private static List<Path> entries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                entries.add(entry);
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of(); // removed meanwhile, or the root not created yet
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        entries.sort(null);
        return entries;
    }

    private static Optional<BasicFileAttributes> attributes(Path file) {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted since the directory was read
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean removeIfOlder(Path file, Instant before) throws IOException {
        Optional<BasicFileAttributes> attributes = attributes(file);
        if (attributes.isPresent() && attributes.get().lastModifiedTime().toInstant().isBefore(before)) {
            return Files.deleteIfExists(file);
        }
        return false;
    }

    /** Free bytes on the file system of the root (or of the directory it will be created in). */
    @Override
    public OptionalLong usableSpace() {
        Path existing = root;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing == null ? OptionalLong.empty() : OptionalLong.of(Files.getFileStore(existing).getUsableSpace());
        } catch (IOException e) {
            throw new BlobStoreException("could not read the free space of " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "filesystem " + root;
    }

    @Override
    public String toString() {
        return describe();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** At most {@code remaining} bytes of a stream; closes the stream (and its file) when closed. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int read = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
