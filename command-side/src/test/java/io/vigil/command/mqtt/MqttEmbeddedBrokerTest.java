package io.vigil.command.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.vigil.command.MqttProperties;
import io.vigil.command.device.DeviceRegistry.AuthenticatedDevice;
import io.vigil.command.mqtt.broker.EmbeddedBroker;
import io.vigil.core.device.DeviceKey;
import io.vigil.core.device.DeviceStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker with the real MQTT 5 client: who gets in, and what each may publish and subscribe to. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MqttEmbeddedBrokerTest {
    static final String CAM1_KEY = DeviceKey.generate().secret();
    static final String CAM2_KEY = DeviceKey.generate().secret();
    static final String CLOUD_PASSWORD = "cloud-secret";
    static final Map<String, AuthenticatedDevice> KEYS = Map.of(
            DeviceKey.hash(CAM1_KEY), new AuthenticatedDevice("CAM1", "acme", DeviceStatus.ACTIVE, "hash"),
            DeviceKey.hash(CAM2_KEY), new AuthenticatedDevice("CAM2", "acme", DeviceStatus.ACTIVE, "hash"));
    @TempDir
    static Path data;
    static int port;
    static EmbeddedBroker broker;
    final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        MqttProperties properties = new MqttProperties(true, URI.create("tcp://127.0.0.1:" + port), "vigil", "vigil-cloud",
                CLOUD_PASSWORD, null, new MqttProperties.EmbeddedBroker(true, "127.0.0.1", port, data, Duration.ofMinutes(10)));
        MqttAccessPolicy policy = new MqttAccessPolicy(properties.root(), properties.username(), properties.password(),
                hash -> Optional.ofNullable(KEYS.get(hash)));
        broker = new EmbeddedBroker(properties, policy);
        broker.start();
    }

    @AfterAll
    static void stop() {
        broker.stop();
        assertThat(broker.isRunning()).isFalse();
    }

    @AfterEach
    void disconnect() {
        clients.stream().filter(c -> c.getState().isConnected()).forEach(Mqtt5BlockingClient::disconnect);
    }

    @Test
    void a_device_connects_with_its_own_id_and_key() {
        assertThat(connect("CAM1", "CAM1", CAM1_KEY).getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }

    @Test
    void the_cloud_connects_with_its_password_and_any_client_id() {
        assertThat(connect("vigil-cloud-1", "vigil-cloud", CLOUD_PASSWORD).getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(refusal("vigil-cloud-2", "vigil-cloud", "guess")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void a_wrong_key_an_unknown_device_or_another_device_s_id_is_refused_at_connect() {
        assertThat(refusal("CAM1", "CAM1", CAM2_KEY + "x")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(refusal("CAM9", "CAM9", "vk_unknown")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(refusal("CAM2", "CAM2", CAM1_KEY)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void a_client_without_credentials_is_refused_at_connect() {
        Mqtt5BlockingClient anonymous = client("anonymous");
        Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class, anonymous::connect);
        assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(refusal("CAM1", "CAM1", null)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void a_device_must_use_its_id_as_client_id_so_it_cannot_take_over_another_s_session() {
        assertThat(refusal("CAM2", "CAM1", CAM1_KEY)).isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
    }

    @Test
    void a_device_s_will_on_another_device_s_status_is_refused_at_connect() {
        Mqtt5BlockingClient device = client("CAM1");
        Mqtt5Connect connect = credentials(Mqtt5Connect.builder(), "CAM1", CAM1_KEY)
                .willPublish().topic("vigil/devices/CAM2/status").payload(bytes("offline")).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
                .build();
        Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class, () -> device.connect(connect));
        assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void a_device_publishing_to_another_device_s_acks_is_refused_and_stays_connected() throws InterruptedException {
        Mqtt5BlockingClient cloud = client("vigil-cloud-acks");
        connect(cloud, "vigil-cloud", CLOUD_PASSWORD);
        try (Mqtt5BlockingClient.Mqtt5Publishes received = cloud.publishes(MqttGlobalPublishFilter.ALL)) {
            cloud.subscribeWith().topicFilter("vigil/devices/+/acks").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient device = client("CAM1");
            Mqtt5Connect connect = credentials(Mqtt5Connect.builder(), "CAM1", CAM1_KEY)
                    .willPublish().topic("vigil/devices/CAM1/status").payload(bytes("offline")).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
                    .build();
            device.connect(connect);

            Mqtt5PubAckException denied = catchThrowableOfType(Mqtt5PubAckException.class, () -> device.publishWith()
                    .topic("vigil/devices/CAM2/acks").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("forged")).send());
            assertThat(denied).as("PUBLISH to another device's acks was acknowledged").isNotNull();
            assertThat(denied.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(device.getState().isConnected()).isTrue();
            Mqtt5Qos1Result allowed = (Mqtt5Qos1Result) device.publishWith().topic("vigil/devices/CAM1/acks")
                    .qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ack")).send();
            assertThat(allowed.getPubAck().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

            // one publisher's messages arrive in order: had the forged one been passed on, it would come first
            Mqtt5Publish first = received.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(first.getTopic().toString()).isEqualTo("vigil/devices/CAM1/acks");
            assertThat(new String(first.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("ack");
            assertThat(received.receiveNow()).isEmpty();
        }
    }

    @Test
    void a_device_subscribes_only_to_its_own_commands_and_receives_them() throws InterruptedException {
        Mqtt5BlockingClient device = client("CAM1");
        connect(device, "CAM1", CAM1_KEY);
        assertThat(subscribeRefusal(device, "vigil/devices/CAM2/commands")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribeRefusal(device, "vigil/devices/+/commands")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribeRefusal(device, "$share/vigil/vigil/devices/CAM1/commands")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(device.getState().isConnected()).isTrue();

        try (Mqtt5BlockingClient.Mqtt5Publishes received = device.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(device.subscribeWith().topicFilter("vigil/devices/CAM1/commands").qos(MqttQos.AT_LEAST_ONCE).send()
                    .getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            Mqtt5BlockingClient cloud = client("vigil-cloud-commands");
            connect(cloud, "vigil-cloud", CLOUD_PASSWORD);
            cloud.publishWith().topic("vigil/devices/CAM1/commands").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("capture")).send();
            Mqtt5Publish command = received.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(new String(command.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("capture");
        }
    }

    @Test
    void the_cloud_may_share_a_subscription_to_every_device_s_acks() {
        Mqtt5BlockingClient cloud = client("vigil-cloud-shared");
        connect(cloud, "vigil-cloud", CLOUD_PASSWORD);
        assertThat(cloud.subscribeWith().topicFilter("$share/vigil/vigil/devices/+/acks").qos(MqttQos.AT_LEAST_ONCE).send()
                .getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribeRefusal(cloud, "#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
    }

    private Mqtt5BlockingClient client(String clientId) {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port).buildBlocking();
        clients.add(client);
        return client;
    }

    private com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck connect(String clientId, String username, String password) {
        return connect(client(clientId), username, password);
    }

    private static com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck connect(Mqtt5BlockingClient client,
                                                                                        String username, String password) {
        return client.connect(credentials(Mqtt5Connect.builder(), username, password).build());
    }

    private Mqtt5ConnAckReasonCode refusal(String clientId, String username, String password) {
        Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class, () -> connect(clientId, username, password));
        assertThat(refused).as("CONNECT of %s as %s was accepted", clientId, username).isNotNull();
        return refused.getMqttMessage().getReasonCode();
    }

    private static Mqtt5SubAckReasonCode subscribeRefusal(Mqtt5BlockingClient client, String filter) {
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class,
                () -> client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send());
        assertThat(refused).as("SUBSCRIBE to %s was granted", filter).isNotNull();
        return refused.getMqttMessage().getReasonCodes().get(0);
    }

    private static Mqtt5ConnectBuilder credentials(Mqtt5ConnectBuilder connect, String username, String password) {
        if (password == null) {
            return connect.simpleAuth().username(username).applySimpleAuth();
        }
        return connect.simpleAuth().username(username).password(bytes(password)).applySimpleAuth();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
