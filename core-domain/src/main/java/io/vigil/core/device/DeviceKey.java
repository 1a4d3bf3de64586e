package io.vigil.core.device;

import io.vigil.core.Check;
import io.vigil.core.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A device's API key: 32 random bytes, shown once and then kept only as its SHA-256. A slow hash (bcrypt) buys
 * nothing against guessing a 256-bit random secret and would cap how many uploads a second one core can check.
 * {@code id} names the key (in events, lists and revocation) without revealing it.
 */
public record DeviceKey(String id, String secret) {
    public static final String PREFIX = "vk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    public DeviceKey {
        Check.present(id, "key_id");
        Check.present(secret, "api_key");
    }

    public static DeviceKey generate() {
        byte[] id = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new DeviceKey("key_" + HexFormat.of().formatHex(id), PREFIX + b64.encodeToString(secret));
    }

    public String hash() {
        return hash(secret);
    }

    /** The hex SHA-256 of a presented key: what is stored, and what a presented key is looked up by. */
    public static String hash(String presented) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(presented.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "DeviceKey[" + id + "]";
    }

    static DomainException notFound(DeviceId device, String keyId) {
        return DomainException.notFound("key_not_found", "Device '" + device + "' has no key '" + keyId + "'");
    }
}
