package io.vigil.platform.blob;

/**
 * The store could not do its work: a disk error or a full disk, S3 unreachable, timing out or refusing. Nothing
 * is wrong with the request, so the web layer answers 503 and the caller may retry; kept apart from
 * {@link BlobNotFoundException} and from {@link IllegalArgumentException} (a malformed key), which are answers.
 */
public class BlobStoreException extends RuntimeException {

    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public BlobStoreException(String message) {
        super(message);
    }
}
