package io.vigil.launcher;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A camera as the device contract says it behaves on MQTT: its id as client id and user name, its key as password,
 * a persistent session (clean start off, a session expiry), a retained {@code offline} last will, {@code online}
 * retained once connected, its own commands topic at QoS 1, acks on its acks topic.
 */
final class MqttDevice implements AutoCloseable {
    final String id;
    final List<Mqtt5Publish> commands = new CopyOnWriteArrayList<>();
    private final MqttBroker broker;
    private final Mqtt5AsyncClient client;

    MqttDevice(MqttBroker broker, String id, String key) {
        this.broker = broker;
        this.id = id;
        this.client = Mqtt5Client.builder().identifier(id).serverHost(broker.host).serverPort(broker.port)
                .simpleAuth().username(id).password(key.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .willPublish().topic(topic("status")).payload("offline".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
                .automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(1, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(c -> client().publishWith().topic(topic("status"))
                        .payload("online".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).retain(true).send())
                .buildAsync();
        client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, commands::add);
    }

    private Mqtt5AsyncClient client() {
        return client;
    }

    String topic(String leaf) {
        return broker.root + "/devices/" + id + "/" + leaf;
    }

    MqttDevice connect() throws Exception {
        client.connectWith().cleanStart(false).sessionExpiryInterval(600).send().get(10, TimeUnit.SECONDS);
        client.subscribeWith().topicFilter(topic("commands")).qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
        return this;
    }

    void disconnect() throws Exception {
        client.disconnect().get(10, TimeUnit.SECONDS);
    }

    void ack(String triggerId, String status) throws Exception {
        client.publishWith().topic(topic("acks")).qos(MqttQos.AT_LEAST_ONCE)
                .payload(("{\"trigger_id\": \"" + triggerId + "\", \"status\": \"" + status + "\"}").getBytes(StandardCharsets.UTF_8))
                .send().get(10, TimeUnit.SECONDS);
    }

    /** An ack that may fail (the broker is away): the device acks the command again when it is sent again. */
    void tryAck(String triggerId) {
        try {
            ack(triggerId, "received");
        } catch (Exception e) {
            // sent again on the next re-send
        }
    }

    List<String> triggerIds() {
        return commands.stream().map(p -> p.getCorrelationData()
                .map(b -> StandardCharsets.UTF_8.decode(b).toString()).orElse("?")).toList();
    }

    @Override
    public void close() {
        try {
            client.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already gone
        }
    }
}
