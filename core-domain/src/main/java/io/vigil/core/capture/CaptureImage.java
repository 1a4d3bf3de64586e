package io.vigil.core.capture;

/**
 * Where a capture's image is and what it is, never the image itself: events stay small and an image can be purged
 * while its history stays.
 *
 * @param blobKey     the key in the blob store
 * @param sha256      the content's SHA-256 (hex), to check a copy against
 * @param contentType {@code image/jpeg} or {@code image/png}, from the bytes, not from what the device said
 * @param size        bytes
 * @param width       pixels, from the image's header
 * @param height      pixels
 */
public record CaptureImage(String blobKey, String sha256, String contentType, long size, int width, int height) {
}
