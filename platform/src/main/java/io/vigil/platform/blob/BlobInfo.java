package io.vigil.platform.blob;

import java.time.Instant;

/**
 * What a store knows about one blob without reading it: enough to answer a HEAD or a Range request and for an
 * orphan sweep to judge its age.
 *
 * @param key          lowercase hex SHA-256 of the content
 * @param size         bytes
 * @param lastModified when it was last written (a file's mtime, an S3 object's Last-Modified); a put of content
 *                     already stored moves it forward when it is older than {@link BlobStore#REFRESH_AFTER}
 * @param contentType  the stored content type; null where the store keeps none (the file system) and in
 *                     {@link BlobStore#list} answers (S3 lists no content types)
 */
public record BlobInfo(String key, long size, Instant lastModified, String contentType) {
}
