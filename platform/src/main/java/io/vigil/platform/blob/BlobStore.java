package io.vigil.platform.blob;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Where capture images live: bytes too big and too many for events, which keep only the key. Content-addressed
 * (the key is the lowercase hex SHA-256 of the content), so a store never holds two copies of one image, a put can
 * be retried after any failure without leaving a second copy, and a key can be verified against its bytes.
 * <p>
 * One interface for the embedded default ({@link FileSystemBlobStore}, files under the local data directory) and
 * for deployments with several instances ({@link S3BlobStore}, any S3-compatible object store), so the code that
 * records and serves captures never knows which it has. Every method is blocking: reactive callers run them on a
 * bounded-elastic scheduler.
 * <p>
 * Failures: a malformed key is an {@link IllegalArgumentException} (the caller's mistake, 400), a missing blob a
 * {@link BlobNotFoundException} (404) and anything the infrastructure does wrong a {@link BlobStoreException} (503).
 * <p>
 * Deleting what no event refers to any more is an orphan sweep over {@link #list}: it must use an {@code olderThan}
 * well before now (a day, say), since a blob is put before the event that refers to it is stored. A put of content
 * that is already there moves its {@code lastModified} forward once it is older than {@link #REFRESH_AFTER}, so a
 * sweep with a grace period longer than that never deletes a blob that was just put again.
 */
public interface BlobStore {

    /** How old a blob's {@code lastModified} may get before a put of the same content moves it forward. */
    Duration REFRESH_AFTER = Duration.ofHours(1);

    /**
     * Stores {@code content} under its key, durably once this returns. Idempotent: the same bytes stored again,
     * one after the other or at the same time, are stored once and answer the same key.
     *
     * @param contentType served with the blob where the store keeps it (S3); null means
     *                    {@code application/octet-stream}
     * @throws BlobStoreException the store could not write it; nothing, or a complete blob, is left behind
     */
    StoredBlob put(byte[] content, String contentType);

    /** Size, age and content type of the blob, empty when there is none. */
    Optional<BlobInfo> stat(String key);

    /**
     * Up to {@code length} bytes of the blob from byte {@code from}: the range of an HTTP Range request. Fewer when
     * the blob ends first, none when {@code from} is at or past its end. The caller closes the stream, which may
     * hold a file or a connection.
     *
     * @throws BlobNotFoundException there is no such blob
     */
    InputStream read(String key, long from, long length);

    /**
     * The whole blob; the caller closes the stream.
     *
     * @throws BlobNotFoundException there is no such blob
     */
    default InputStream read(String key) {
        return read(key, 0, Long.MAX_VALUE);
    }

    /** Removes the blob; idempotent. Answers whether there was one to remove. */
    boolean delete(String key);

    /**
     * Hands {@code each} every blob last modified before {@code olderThan}, page by page or directory by directory,
     * never holding the whole store in memory (a store can hold millions). {@code each} may delete the blob it is
     * given. A blob put or deleted during the walk may or may not be seen. An exception thrown by {@code each} stops
     * the walk and is thrown by this method.
     */
    void list(Instant olderThan, Consumer<BlobInfo> each);

    /** Bytes still free for blobs where the store has a disk of its own; empty where it has none (S3). */
    OptionalLong usableSpace();

    /** Where the blobs are, for logs and health: {@code filesystem /var/lib/vigil/blobs}, {@code s3 bucket/prefix@endpoint}. */
    String describe();
}
