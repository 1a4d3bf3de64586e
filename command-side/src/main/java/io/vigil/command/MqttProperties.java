package io.vigil.command;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The device channel over MQTT ({@code vigil.mqtt.*}).
 *
 * @param enabled            whether the cloud delivers commands over MQTT at all (devices on SSE work either way)
 * @param url                the broker: {@code tcp://host:port} (or {@code ssl://} for TLS)
 * @param root               the first topic level of every Vigil topic: {@code {root}/devices/{id}/commands|acks|status}
 * @param username           the cloud's own user name at the broker (a device's user name is its device id)
 * @param password           the cloud's own password at the broker; with the embedded broker, the one it accepts
 * @param authEndpointSecret the bearer secret a broker must present to Vigil's HTTP authentication and
 *                           authorisation endpoints ({@code /api/v1/mqtt/auth}, {@code /api/v1/mqtt/acl}); unset,
 *                           the endpoints refuse every call
 * @param embeddedBroker     a broker inside this process (the local run): HiveMQ CE, devices authenticated against
 *                           their keys and confined to their own topics
 */
@ConfigurationProperties("vigil.mqtt")
public record MqttProperties(@DefaultValue("true") boolean enabled,
                             @DefaultValue("tcp://127.0.0.1:1884") URI url,
                             @DefaultValue("vigil") String root,
                             @DefaultValue("vigil-cloud") String username,
                             String password,
                             String authEndpointSecret,
                             @DefaultValue EmbeddedBroker embeddedBroker) {
    public MqttProperties {
        if (root == null || root.isBlank() || root.contains("/") || root.contains("+") || root.contains("#")) {
            throw new IllegalArgumentException("vigil.mqtt.root must be one topic level without / + #, was '" + root + "'");
        }
    }

    public String commandsTopic(String deviceId) {
        return root + "/devices/" + deviceId + "/commands";
    }

    /**
     * @param enabled  start the broker in this process
     * @param host     the address it listens on (loopback unless devices on the network must reach it)
     * @param port     its port: 1884, so it never collides with a broker the machine already runs on 1883
     * @param dataDir  where it keeps persistent sessions and queued messages (on disk); unset, in memory: a restart
     *                 of the process loses them, and the cloud's re-sends make up for it
     * @param sessionExpiry the longest session expiry the broker grants a device (its queued commands live as long)
     */
    public record EmbeddedBroker(@DefaultValue("false") boolean enabled,
                                 @DefaultValue("127.0.0.1") String host,
                                 @DefaultValue("1884") int port,
                                 Path dataDir,
                                 @DefaultValue("1h") Duration sessionExpiry) {
    }
}
