package io.vigil.simulators.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.vision.VisionSimConfig.Faults;

class VisionSimulatorTest {

    private VisionSimulator sim;
    private HttpClient client;

    @BeforeEach
    void start() {
        sim = VisionSimulator.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** 640x480, dark grey, with a bright block on exactly the 8x8 grid's cells (80x60 px each): x 4, y 2..4. */
    private static BufferedImage personAtCentre() {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(40, 40, 40));
        g.fillRect(0, 0, 640, 480);
        g.setColor(new Color(230, 230, 230));
        g.fillRect(320, 120, 80, 180);
        g.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static String request(byte[] frame, String... models) {
        var body = Json.object().put("frameBase64", Base64.getEncoder().encodeToString(frame))
                .put("timestamp", "2026-02-16T09:00:00Z");
        var enabled = body.putArray("enabledModels");
        for (String model : models) {
            enabled.add(model);
        }
        return body.toString();
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/vision/process"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void the_bright_block_is_a_person_in_the_contract_shape() throws Exception {
        HttpResponse<String> response = post(request(encode(personAtCentre(), "jpg")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json(response);
        JsonNode person = answer.path("detections").get(0);
        assertThat(person.path("class").asString()).isEqualTo("person");
        assertThat(person.path("confidence").asDouble()).isBetween(0.5, 0.99);
        assertThat(List.of(person.path("box").path("x").asInt(), person.path("box").path("y").asInt(),
                person.path("box").path("w").asInt(), person.path("box").path("h").asInt()))
                .containsExactly(320, 120, 80, 180);
        assertThat(answer.path("objects").get(0).path("class").asString()).isEqualTo("person");
        JsonNode event = answer.path("suggestedEvents").get(0);
        assertThat(event.path("type").asString()).isEqualTo("person_detected");
        assertThat(event.path("data").path("count").asInt()).isEqualTo(1);
        assertThat(event.path("data").path("zone").asString()).isEqualTo("centre");
        assertThat(answer.path("keypoints").isArray()).isTrue();
        assertThat(answer.path("actions").isArray()).isTrue();
        assertThat(answer.path("timestamp").asString()).isEqualTo("2026-02-16T09:00:00Z");
        assertThat(sim.requests()).isEqualTo(1);
    }

    @Test
    void a_png_frame_is_decoded_as_well() throws Exception {
        HttpResponse<String> response = post(request(encode(personAtCentre(), "png")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("detections").get(0).path("box").path("x").asInt()).isEqualTo(320);
    }

    @Test
    void a_uniform_frame_has_nothing_in_it_but_every_field_is_there() throws Exception {
        BufferedImage grey = new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR);

        JsonNode answer = json(post(request(encode(grey, "jpg"))));

        for (String field : List.of("detections", "keypoints", "actions", "objects", "suggestedEvents")) {
            assertThat(answer.path(field).isArray()).as(field).isTrue();
            assertThat(answer.path(field).size()).as(field).isZero();
        }
    }

    @Test
    void enabled_models_choose_what_is_answered() throws Exception {
        JsonNode answer = json(post(request(encode(personAtCentre(), "jpg"), "pose", "action")));

        assertThat(answer.path("detections").size()).isZero();
        assertThat(answer.path("objects").size()).isZero();
        assertThat(answer.path("keypoints").size()).isEqualTo(3);
        assertThat(answer.path("keypoints").get(0).path("name").asString()).isEqualTo("nose");
        assertThat(answer.path("actions").get(0).path("label").asString()).isEqualTo("standing");
    }

    @Test
    void requests_it_cannot_use_are_400_with_an_error_saying_why() throws Exception {
        HttpResponse<String> notAnImage = post(request("not an image at all".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> notBase64 = post("{\"frameBase64\": \"***\", \"enabledModels\": []}");
        HttpResponse<String> noFrame = post("{\"timestamp\": \"2026-02-16T09:00:00Z\"}");
        HttpResponse<String> notJson = post("frame=abc");
        HttpResponse<String> unknownModel = post(request(encode(personAtCentre(), "jpg"), "faces"));

        assertThat(List.of(notAnImage, notBase64, noFrame, notJson, unknownModel))
                .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(400));
        assertThat(json(notAnImage).path("error").path("code").asString()).isEqualTo("invalid_frame");
        assertThat(json(notAnImage).path("error").path("message").asString()).contains("not a JPEG or PNG");
        assertThat(json(notBase64).path("error").path("code").asString()).isEqualTo("invalid_frame");
        assertThat(json(noFrame).path("error").path("message").asString()).isEqualTo("frameBase64 is required");
        assertThat(json(notJson).path("error").path("code").asString()).isEqualTo("invalid_json");
        assertThat(json(unknownModel).path("error").path("message").asString()).contains("unknown model 'faces'");
    }

    @Test
    void injected_503_and_429_answer_json_errors() throws Exception {
        byte[] frame = encode(personAtCentre(), "jpg");
        sim.setFaults(Faults.NONE.withUnavailable(1));
        HttpResponse<String> unavailable = post(request(frame));
        sim.setFaults(Faults.NONE.withTooManyRequests(1));
        HttpResponse<String> busy = post(request(frame));
        sim.setFaults(Faults.NONE);
        HttpResponse<String> healthy = post(request(frame));

        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(json(unavailable).path("error").path("message").asString()).contains("models are loading");
        assertThat(busy.statusCode()).isEqualTo(429);
        assertThat(healthy.statusCode()).isEqualTo(200);
        assertThat(sim.requests()).isEqualTo(3);
    }

    @Test
    void an_injected_reset_drops_the_connection_without_an_answer() throws Exception {
        sim.setFaults(Faults.NONE.withReset(1));
        String body = request(encode(personAtCentre(), "jpg"));

        assertThatThrownBy(() -> post(body)).isInstanceOf(IOException.class);
        assertThat(sim.requests()).isEqualTo(1);
    }

    @Test
    void an_injected_malformed_answer_is_a_200_that_is_not_json() throws Exception {
        sim.setFaults(Faults.NONE.withMalformed(1));

        HttpResponse<String> response = post(request(encode(personAtCentre(), "jpg")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThatThrownBy(() -> json(response)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void latency_delays_the_answer() throws Exception {
        sim.setLatency(Duration.ofMillis(300));
        String body = request(encode(personAtCentre(), "jpg"));

        long started = System.nanoTime();
        HttpResponse<String> response = post(body);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(300);
    }

    @Test
    void faults_and_latency_can_be_set_over_http_and_health_is_never_faulted() throws Exception {
        HttpResponse<String> set = client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/sim/config"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(
                                "{\"latencyMs\": 50, \"faults\": {\"unavailable\": 1}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/sim/config"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"faults\": {\"reset\": 2}}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(json(set).path("latencyMs").asInt()).isEqualTo(50);
        assertThat(sim.config().faults().unavailable()).isEqualTo(1.0);
        assertThat(sim.config().latency()).isEqualTo(Duration.ofMillis(50));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).path("status").asString()).isEqualTo("ok");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(post(request(encode(personAtCentre(), "jpg"))).statusCode()).isEqualTo(503);
    }
}
