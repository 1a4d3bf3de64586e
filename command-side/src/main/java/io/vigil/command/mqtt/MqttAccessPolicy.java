package io.vigil.command.mqtt;

import io.vigil.command.device.DeviceRegistry;
import io.vigil.core.device.DeviceKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Who may do what at the MQTT broker, decided in one place for the embedded broker and for an external one that
 * asks over HTTP. The cloud (one user name and password) may use everything under {@code {root}/}; a device (user
 * name its id, password one of its keys) only publishes its own acknowledgements and status and only subscribes to
 * its own commands, with no wildcard and no shared subscription, so a stolen key reaches one camera's traffic and
 * no other's. A device must also use its id as its client id: MQTT keys persistent sessions by client id, so a
 * free choice would let one device take over another's session, and with it that device's subscriptions.
 */
public final class MqttAccessPolicy {
    /** What a connection proved at CONNECT. */
    public enum Access { CLOUD, DEVICE, DENIED }

    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern SHARE_GROUP = Pattern.compile("\\$share/[^/+#]+/");
    private static final int MAX_KEY_LENGTH = 200;

    private final String root;
    private final String cloudUsername;
    private final byte[] cloudPasswordDigest;
    private final Function<String, Optional<DeviceRegistry.AuthenticatedDevice>> authenticateByKeyHash;

    /**
     * @param authenticateByKeyHash the device a key's hex SHA-256 belongs to ({@link DeviceRegistry#authenticate});
     *                              may block
     */
    public MqttAccessPolicy(String root, String cloudUsername, String cloudPassword,
                            Function<String, Optional<DeviceRegistry.AuthenticatedDevice>> authenticateByKeyHash) {
        this.root = root;
        this.cloudUsername = cloudUsername;
        this.cloudPasswordDigest = cloudPassword == null || cloudPassword.isBlank() ? null : sha256(cloudPassword);
        this.authenticateByKeyHash = authenticateByKeyHash;
    }

    /**
     * The cloud by its user name and password; a device by its id and one of its keys, valid now. The cloud's user
     * name is never a device's, so that {@link #authenticated} can tell them apart by name. Blocks while a device's
     * key is looked up.
     */
    public Access authenticate(String username, String password) {
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            return Access.DENIED;
        }
        if (username.equals(cloudUsername)) {
            return cloudPasswordDigest != null && MessageDigest.isEqual(cloudPasswordDigest, sha256(password))
                    ? Access.CLOUD : Access.DENIED;
        }
        if (!isDevice(username) || password.length() > MAX_KEY_LENGTH) {
            return Access.DENIED;
        }
        return authenticateByKeyHash.apply(DeviceKey.hash(password))
                .filter(device -> device.deviceId().equals(username))
                .map(device -> Access.DEVICE)
                .orElse(Access.DENIED);
    }

    /**
     * The access of a client the broker has already authenticated, known by its user name alone (an external
     * broker's authorisation call carries no password): the cloud's user name is the cloud's and never a device's.
     */
    public Access authenticated(String username) {
        if (username == null || username.isEmpty()) {
            return Access.DENIED;
        }
        if (username.equals(cloudUsername)) {
            return cloudPasswordDigest != null ? Access.CLOUD : Access.DENIED;
        }
        return isDevice(username) ? Access.DEVICE : Access.DENIED;
    }

    /** The cloud may use any client id; a device only its own id. */
    public boolean mayUseClientId(Access access, String username, String clientId) {
        return switch (access) {
            case CLOUD -> clientId != null && !clientId.isEmpty();
            case DEVICE -> isDevice(username) && username.equals(clientId);
            case DENIED -> false;
        };
    }

    public boolean mayPublish(Access access, String username, String topic) {
        if (topic == null || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return false;
        }
        return switch (access) {
            case CLOUD -> underRoot(topic);
            case DEVICE -> isDevice(username)
                    && (topic.equals(deviceTopic(username, "acks")) || topic.equals(deviceTopic(username, "status")));
            case DENIED -> false;
        };
    }

    public boolean maySubscribe(Access access, String username, String topicFilter) {
        if (topicFilter == null) {
            return false;
        }
        return switch (access) {
            case CLOUD -> underRoot(withoutShareGroup(topicFilter));
            case DEVICE -> isDevice(username) && topicFilter.equals(deviceTopic(username, "commands"));
            case DENIED -> false;
        };
    }

    private boolean underRoot(String topic) {
        return topic != null && topic.length() > root.length() + 1 && topic.startsWith(root + "/");
    }

    private static String withoutShareGroup(String filter) {
        if (!filter.startsWith("$share/")) {
            return filter;
        }
        var group = SHARE_GROUP.matcher(filter);
        return group.lookingAt() ? filter.substring(group.end()) : null;
    }

    private String deviceTopic(String deviceId, String leaf) {
        return root + "/devices/" + deviceId + "/" + leaf;
    }

    private static boolean isDevice(String username) {
        return username != null && DEVICE_ID.matcher(username).matches();
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
