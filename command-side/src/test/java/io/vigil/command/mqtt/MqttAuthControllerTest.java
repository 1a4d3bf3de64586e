package io.vigil.command.mqtt;

import io.vigil.command.MqttProperties;
import io.vigil.command.device.DeviceRegistry.AuthenticatedDevice;
import io.vigil.core.device.DeviceKey;
import io.vigil.core.device.DeviceStatus;
import io.vigil.platform.web.ApiErrorWriter;
import io.vigil.platform.web.ApiExceptionHandler;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.MockServerConfigurer;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import tools.jackson.databind.json.JsonMapper;

/** The EMQX-shaped endpoints: the broker's secret first, then allow or deny by the same policy as the embedded broker. */
class MqttAuthControllerTest {
    static final String SECRET = "broker-secret";
    static final String CAM1_KEY = "vk_cam1";
    final MqttAccessPolicy policy = new MqttAccessPolicy("vigil", "vigil-cloud", "cloud-secret",
            hash -> Optional.ofNullable(Map.of(DeviceKey.hash(CAM1_KEY),
                    new AuthenticatedDevice("CAM1", "acme", DeviceStatus.ACTIVE, "hash")).get(hash)));
    final WebTestClient http = client(SECRET);

    @Test
    void a_call_without_the_secret_or_with_a_wrong_one_is_a_401_envelope() {
        for (String authorization : new String[]{null, "Bearer wrong", "Bearer " + SECRET + "x", "Basic " + SECRET, SECRET, "Bearer "}) {
            for (String path : new String[]{"/api/v1/mqtt/auth", "/api/v1/mqtt/acl"}) {
                WebTestClient.RequestBodySpec call = http.post().uri(path).contentType(MediaType.APPLICATION_JSON);
                if (authorization != null) {
                    call.header("Authorization", authorization);
                }
                call.bodyValue(Map.of("username", "CAM1", "password", CAM1_KEY, "clientid", "CAM1",
                                "topic", "vigil/devices/CAM1/acks", "action", "publish"))
                        .exchange()
                        .expectStatus().isUnauthorized()
                        .expectBody()
                        .jsonPath("$.error.code").isEqualTo("broker_unauthenticated")
                        .jsonPath("$.error.message").exists()
                        .jsonPath("$.result").doesNotExist();
            }
        }
    }

    @Test
    void without_a_configured_secret_every_call_is_refused() {
        for (String secret : new String[]{null, "", "  "}) {
            client(secret).post().uri("/api/v1/mqtt/auth").header("Authorization", "Bearer " + secret)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("username", "CAM1", "password", CAM1_KEY, "clientid", "CAM1"))
                    .exchange()
                    .expectStatus().isUnauthorized();
        }
    }

    @Test
    void a_device_with_its_own_key_and_id_is_allowed_and_never_a_superuser() {
        auth("CAM1", CAM1_KEY, "CAM1").jsonPath("$.result").isEqualTo("allow").jsonPath("$.is_superuser").isEqualTo(false);
        auth("vigil-cloud", "cloud-secret", "vigil-cloud-1").jsonPath("$.result").isEqualTo("allow")
                .jsonPath("$.is_superuser").isEqualTo(false);
    }

    @Test
    void wrong_credentials_or_another_client_id_are_denied() {
        auth("CAM1", "vk_wrong", "CAM1").jsonPath("$.result").isEqualTo("deny");
        auth("CAM2", CAM1_KEY, "CAM2").jsonPath("$.result").isEqualTo("deny");
        auth("CAM1", CAM1_KEY, "CAM2").jsonPath("$.result").isEqualTo("deny");
        auth("CAM1", "", "CAM1").jsonPath("$.result").isEqualTo("deny");
        auth("vigil-cloud", "guess", "vigil-cloud-1").jsonPath("$.result").isEqualTo("deny");
    }

    @Test
    void a_device_is_confined_to_its_own_topics() {
        acl("CAM1", "CAM1", "vigil/devices/CAM1/acks", "publish").isEqualTo("allow");
        acl("CAM1", "CAM1", "vigil/devices/CAM1/status", "publish").isEqualTo("allow");
        acl("CAM1", "CAM1", "vigil/devices/CAM1/commands", "subscribe").isEqualTo("allow");
        acl("CAM1", "CAM1", "vigil/devices/CAM2/acks", "publish").isEqualTo("deny");
        acl("CAM1", "CAM1", "vigil/devices/CAM1/commands", "publish").isEqualTo("deny");
        acl("CAM1", "CAM1", "vigil/devices/CAM2/commands", "subscribe").isEqualTo("deny");
        acl("CAM1", "CAM1", "vigil/devices/+/commands", "subscribe").isEqualTo("deny");
        acl("CAM1", "CAM2", "vigil/devices/CAM1/acks", "publish").isEqualTo("deny");
        acl("CAM1", "CAM1", "vigil/devices/CAM1/acks", "all").isEqualTo("deny");
    }

    @Test
    void the_cloud_may_use_everything_under_the_root() {
        acl("vigil-cloud", "vigil-cloud-1", "vigil/devices/CAM1/commands", "publish").isEqualTo("allow");
        acl("vigil-cloud", "vigil-cloud-1", "$share/vigil/vigil/devices/+/acks", "subscribe").isEqualTo("allow");
        acl("vigil-cloud", "vigil-cloud-1", "#", "subscribe").isEqualTo("deny");
    }

    @Test
    void a_body_that_is_not_json_is_a_400_envelope() {
        http.post().uri("/api/v1/mqtt/auth").header("Authorization", "Bearer " + SECRET)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{not json")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_request");
    }

    private WebTestClient.BodyContentSpec auth(String username, String password, String clientId) {
        return http.post().uri("/api/v1/mqtt/auth").header("Authorization", "Bearer " + SECRET)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "password", password, "clientid", clientId))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody();
    }

    private org.springframework.test.web.reactive.server.JsonPathAssertions acl(String username, String clientId,
                                                                              String topic, String action) {
        return http.post().uri("/api/v1/mqtt/acl").header("Authorization", "Bearer " + SECRET)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "clientid", clientId, "topic", topic, "action", action))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.result");
    }

    private WebTestClient client(String secret) {
        MqttProperties properties = new MqttProperties(true, URI.create("tcp://127.0.0.1:1884"), "vigil", "vigil-cloud",
                "cloud-secret", secret, new MqttProperties.EmbeddedBroker(false, "127.0.0.1", 1884, null, Duration.ofHours(1)));
        ApiExceptionHandler errors = new ApiExceptionHandler(new ApiErrorWriter(JsonMapper.builder().build()));
        return WebTestClient.bindToController(new MqttAuthController(policy, properties))
                .apply(new MockServerConfigurer() {
                    @Override
                    public void beforeServerCreated(WebHttpHandlerBuilder builder) {
                        builder.exceptionHandlers(handlers -> handlers.add(0, errors));
                    }
                })
                .build();
    }
}
