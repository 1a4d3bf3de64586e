package io.vigil.platform.blob;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Blob keys: the lowercase hex SHA-256 of the content. The key names the content, so the same image stored twice
 * is stored once, a key can be checked against the bytes it names, and a key is safe to use as a file name: every
 * store refuses anything but 64 lowercase hex digits before building a path or an object name from it, so no key
 * can climb out of the store's directory or prefix.
 */
public final class BlobKeys {
    /** Hex digits of a SHA-256. */
    public static final int LENGTH = 64;
    private static final HexFormat HEX = HexFormat.of();

    private BlobKeys() {
    }

    /** The key of {@code content}. */
    public static String of(byte[] content) {
        return HEX.formatHex(sha256(content));
    }

    /** Whether {@code key} has the shape of a key: 64 lowercase hex digits. */
    public static boolean isValid(String key) {
        if (key == null || key.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** {@code key} itself, or an {@link IllegalArgumentException} when it is no key (e.g. {@code ../../etc/passwd}). */
    public static String requireValid(String key) {
        if (!isValid(key)) {
            throw new IllegalArgumentException("not a blob key (64 lowercase hex digits): " + abbreviate(key));
        }
        return key;
    }

    /** Checks the range of a {@link BlobStore#read(String, long, long)}. */
    static void requireRange(long from, long length) {
        if (from < 0 || length < 0) {
            throw new IllegalArgumentException("a range starts at 0 or later and is 0 or more bytes long, not "
                    + length + " bytes from " + from);
        }
    }

    static byte[] sha256(byte[] content) {
        return digest("SHA-256").digest(content);
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    private static String abbreviate(String key) {
        if (key == null) {
            return "null";
        }
        String shown = key.length() > 80 ? key.substring(0, 80) + "..." : key;
        return '"' + shown.replaceAll("\\p{Cntrl}", "?") + '"';
    }
}
