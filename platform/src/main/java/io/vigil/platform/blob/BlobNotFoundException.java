package io.vigil.platform.blob;

/**
 * No blob has that key: a reference to an image that was purged, or never stored. Unchecked, like the other
 * answers that a web layer maps to a status (404 here).
 */
public class BlobNotFoundException extends RuntimeException {
    private final String key;

    public BlobNotFoundException(String key) {
        super("no blob " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
