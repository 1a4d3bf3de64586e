package io.vigil.command.mqtt;

import static io.vigil.command.mqtt.MqttAccessPolicy.Access.CLOUD;
import static io.vigil.command.mqtt.MqttAccessPolicy.Access.DENIED;
import static io.vigil.command.mqtt.MqttAccessPolicy.Access.DEVICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.command.device.DeviceRegistry.AuthenticatedDevice;
import io.vigil.core.device.DeviceKey;
import io.vigil.core.device.DeviceStatus;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MqttAccessPolicyTest {
    static final String CAM1_KEY = "vk_cam1";
    static final String CAM2_KEY = "vk_cam2";
    final AtomicInteger lookups = new AtomicInteger();
    final Map<String, AuthenticatedDevice> keys = Map.of(
            DeviceKey.hash(CAM1_KEY), new AuthenticatedDevice("CAM1", "acme", DeviceStatus.ACTIVE, "hash"),
            DeviceKey.hash(CAM2_KEY), new AuthenticatedDevice("CAM2", "acme", DeviceStatus.ACTIVE, "hash"));
    final MqttAccessPolicy policy = new MqttAccessPolicy("vigil", "vigil-cloud", "cloud-secret", hash -> {
        lookups.incrementAndGet();
        return Optional.ofNullable(keys.get(hash));
    });

    @Test
    void the_cloud_authenticates_with_its_password_only() {
        assertThat(policy.authenticate("vigil-cloud", "cloud-secret")).isEqualTo(CLOUD);
        assertThat(policy.authenticate("vigil-cloud", "cloud-secreT")).isEqualTo(DENIED);
        assertThat(policy.authenticate("vigil-cloud", "cloud-secret ")).isEqualTo(DENIED);
        assertThat(policy.authenticate("vigil-cloud", "")).isEqualTo(DENIED);
        assertThat(policy.authenticate("CAM1", "cloud-secret")).isEqualTo(DENIED);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t"})
    void without_a_cloud_password_nobody_is_the_cloud(String password) {
        MqttAccessPolicy noCloud = new MqttAccessPolicy("vigil", "vigil-cloud", password, hash -> Optional.empty());
        assertThat(noCloud.authenticate("vigil-cloud", "")).isEqualTo(DENIED);
        assertThat(noCloud.authenticate("vigil-cloud", " ")).isEqualTo(DENIED);
        assertThat(noCloud.authenticate("vigil-cloud", "anything")).isEqualTo(DENIED);
        assertThat(noCloud.authenticated("vigil-cloud")).isEqualTo(DENIED);
    }

    @Test
    void the_cloud_user_name_is_never_a_device_even_with_a_valid_key() {
        MqttAccessPolicy squatted = new MqttAccessPolicy("vigil", "vigil-cloud", "cloud-secret",
                hash -> Optional.of(new AuthenticatedDevice("vigil-cloud", "acme", DeviceStatus.ACTIVE, "hash")));
        assertThat(squatted.authenticate("vigil-cloud", "vk_device_key")).isEqualTo(DENIED);
        assertThat(squatted.authenticated("vigil-cloud")).isEqualTo(CLOUD);
    }

    @Test
    void a_device_authenticates_with_its_own_id_and_key() {
        assertThat(policy.authenticate("CAM1", CAM1_KEY)).isEqualTo(DEVICE);
        assertThat(policy.authenticate("CAM2", CAM2_KEY)).isEqualTo(DEVICE);
    }

    @Test
    void a_wrong_key_an_unknown_device_or_another_device_s_key_is_denied() {
        assertThat(policy.authenticate("CAM1", "vk_wrong")).isEqualTo(DENIED);
        assertThat(policy.authenticate("CAM9", CAM1_KEY)).isEqualTo(DENIED);
        assertThat(policy.authenticate("CAM2", CAM1_KEY)).isEqualTo(DENIED);
    }

    @Test
    void missing_or_malformed_credentials_are_denied_without_a_lookup() {
        assertThat(policy.authenticate(null, CAM1_KEY)).isEqualTo(DENIED);
        assertThat(policy.authenticate("", CAM1_KEY)).isEqualTo(DENIED);
        assertThat(policy.authenticate("CAM1", null)).isEqualTo(DENIED);
        assertThat(policy.authenticate("CAM1", "")).isEqualTo(DENIED);
        assertThat(policy.authenticate("CAM1/x", CAM1_KEY)).isEqualTo(DENIED);
        assertThat(policy.authenticate("+", CAM1_KEY)).isEqualTo(DENIED);
        assertThat(policy.authenticate("#", CAM1_KEY)).isEqualTo(DENIED);
        assertThat(policy.authenticate("CAM1", "k".repeat(201))).isEqualTo(DENIED);
        assertThat(lookups).hasValue(0);
    }

    @Test
    void a_device_uses_its_id_as_client_id_the_cloud_any() {
        assertThat(policy.mayUseClientId(DEVICE, "CAM1", "CAM1")).isTrue();
        assertThat(policy.mayUseClientId(DEVICE, "CAM1", "CAM2")).isFalse();
        assertThat(policy.mayUseClientId(DEVICE, "CAM1", "")).isFalse();
        assertThat(policy.mayUseClientId(DEVICE, "CAM1", null)).isFalse();
        assertThat(policy.mayUseClientId(CLOUD, "vigil-cloud", "vigil-cloud-7f3a")).isTrue();
        assertThat(policy.mayUseClientId(CLOUD, "vigil-cloud", "")).isFalse();
        assertThat(policy.mayUseClientId(DENIED, "CAM1", "CAM1")).isFalse();
    }

    @Test
    void by_name_alone_the_cloud_is_the_cloud_and_a_device_id_a_device() {
        assertThat(policy.authenticated("vigil-cloud")).isEqualTo(CLOUD);
        assertThat(policy.authenticated("CAM1")).isEqualTo(DEVICE);
        assertThat(policy.authenticated("CAM1/acks")).isEqualTo(DENIED);
        assertThat(policy.authenticated("")).isEqualTo(DENIED);
        assertThat(policy.authenticated(null)).isEqualTo(DENIED);
    }

    @Test
    void a_device_publishes_only_its_own_acks_and_status() {
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM1/acks")).isTrue();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM1/status")).isTrue();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM1/commands")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM2/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM2/status")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM1/acks/more")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM1")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM1/")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices//acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil//devices/CAM1/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "/vigil/devices/CAM1/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigilx/devices/CAM1/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "other/devices/CAM1/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "Vigil/devices/CAM1/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/cam1/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "vigil/devices/+/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", "")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM1", null)).isFalse();
    }

    @Test
    void a_device_with_a_user_name_that_is_not_one_topic_level_publishes_nothing() {
        assertThat(policy.mayPublish(DEVICE, "", "vigil/devices//acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, null, "vigil/devices/null/acks")).isFalse();
        assertThat(policy.mayPublish(DEVICE, "CAM2/x", "vigil/devices/CAM2/x/acks")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "+", "vigil/devices/+/commands")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "#", "vigil/devices/#/commands")).isFalse();
    }

    @Test
    void a_device_subscribes_only_to_exactly_its_own_commands() {
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/CAM1/commands")).isTrue();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/CAM2/commands")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/+/commands")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/CAM1/+")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/CAM1/#")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/#")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/#")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "#")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "+/devices/CAM1/commands")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/CAM1/acks")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/CAM1/status")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "$share/g/vigil/devices/CAM1/commands")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigilx/devices/CAM1/commands")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices//commands")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "vigil/devices/CAM1/commands/")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", "$SYS/#")).isFalse();
        assertThat(policy.maySubscribe(DEVICE, "CAM1", null)).isFalse();
    }

    @Test
    void the_cloud_publishes_and_subscribes_anywhere_under_the_root() {
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "vigil/devices/CAM1/commands")).isTrue();
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "vigil/anything/else")).isTrue();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "vigil/devices/+/acks")).isTrue();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "vigil/devices/+/status")).isTrue();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "vigil/#")).isTrue();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share/vigil/vigil/devices/+/acks")).isTrue();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share/workers-1/vigil/#")).isTrue();
    }

    @Test
    void the_cloud_stays_under_the_root() {
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "vigilx/devices/CAM1/commands")).isFalse();
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "vigil")).isFalse();
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "vigil/")).isFalse();
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "other/topic")).isFalse();
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "$SYS/broker")).isFalse();
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "vigil/devices/+/commands")).isFalse();
        assertThat(policy.mayPublish(CLOUD, "vigil-cloud", "vigil/#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "+/devices/+/acks")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "vigilx/#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "vigil")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$SYS/#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share/g/#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share/g/vigilx/#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share//vigil/#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share/+/vigil/#")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share/vigil")).isFalse();
        assertThat(policy.maySubscribe(CLOUD, "vigil-cloud", "$share/vigil/")).isFalse();
    }

    @Test
    void nobody_denied_does_anything() {
        assertThat(policy.mayPublish(DENIED, "CAM1", "vigil/devices/CAM1/acks")).isFalse();
        assertThat(policy.maySubscribe(DENIED, "CAM1", "vigil/devices/CAM1/commands")).isFalse();
        assertThat(policy.mayPublish(DENIED, "vigil-cloud", "vigil/devices/CAM1/commands")).isFalse();
    }

    @Test
    void another_root_moves_every_topic() {
        MqttAccessPolicy lab = new MqttAccessPolicy("lab", "vigil-cloud", "cloud-secret", hash -> Optional.empty());
        assertThat(lab.mayPublish(DEVICE, "CAM1", "lab/devices/CAM1/acks")).isTrue();
        assertThat(lab.mayPublish(DEVICE, "CAM1", "vigil/devices/CAM1/acks")).isFalse();
        assertThat(lab.maySubscribe(CLOUD, "vigil-cloud", "$share/lab/lab/devices/+/acks")).isTrue();
        assertThat(lab.maySubscribe(CLOUD, "vigil-cloud", "vigil/#")).isFalse();
    }
}
