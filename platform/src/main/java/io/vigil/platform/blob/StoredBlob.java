package io.vigil.platform.blob;

/**
 * What {@link BlobStore#put} answers: the key to record (in an event, a row) instead of the bytes themselves.
 *
 * @param key         lowercase hex SHA-256 of the content
 * @param size        bytes
 * @param contentType the content type the blob is served with
 */
public record StoredBlob(String key, long size, String contentType) {
}
