package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.OrgId;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Uploads as the existing fleet makes them (JSON with base64) and as multipart, over real HTTP into PostgreSQL, the
 * blob store and Redis: what is stored, what a repeat answers, what is refused and why, and what the organisation
 * then reads (the capture, its evaluation, its image, the device's report).
 */
@SuppressWarnings("unchecked")
class CaptureUploadTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    static final Path blobs = temporaryDirectory();
    /** Redis outlives test runs: names of this run's own, so counters of an earlier run do not count here. */
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String QUOTA_ORG = "quota-" + RUN;
    static final String CAP_BAD = "CAP_BAD_" + RUN;
    static final String CAP_JSON = "CAP_JSON_" + RUN;
    static final String CAP_LATE = "CAP_LATE_" + RUN;
    static final String CAP_MOTION = "CAP_MOTION_" + RUN;
    static final String CAP_MULTI = "CAP_MULTI_" + RUN;
    static final String CAP_OTHER = "CAP_OTHER_" + RUN;
    static final String CAP_QUOTA = "CAP_QUOTA_" + RUN;
    static final String CAP_QUOTA2 = "CAP_QUOTA2_" + RUN;
    static final String CAP_RATE = "CAP_RATE_" + RUN;
    static final String CAP_REPEAT = "CAP_REPEAT_" + RUN;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.blobs.dir", blobs::toString);
        registry.add("vigil.triggers.manual-ttl", () -> "3s");
        registry.add("vigil.captures.rate-limit", () -> "12");
        registry.add("vigil.captures.rate-window", () -> "1h");
        registry.add("vigil.captures.quotas." + QUOTA_ORG, () -> "2");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("vigil-capture-blobs");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String person(String org, Role role) {
        return "Bearer " + tokens.issue(role.name().toLowerCase() + "-" + org, List.of(role), new OrgId(org)).token();
    }

    private String device(String org, String id) {
        return (String) http.post().uri("/api/v1/devices").header("Authorization", person(org, Role.ADMIN))
                .bodyValue(Map.of("device_id", id)).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("api_key");
    }

    private String trigger(String org, String id) {
        return (String) http.post().uri("/v1/devices/" + id + "/trigger").header("Authorization", person(org, Role.ENGINEER))
                .exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("trigger_id");
    }

    /** The existing fleet's upload: {@code device_id, trigger_id, image_base64, captured_at, trigger_label, metadata}. */
    private static Map<String, Object> fleetUpload(String deviceId, String triggerId, byte[] image) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device_id", deviceId);
        body.put("trigger_id", triggerId);
        body.put("image_base64", Base64.getEncoder().encodeToString(image));
        body.put("captured_at", Instant.now().toString());
        body.put("trigger_label", "manual");
        body.put("metadata", Map.of("device_version", "2.0.0", "trigger_type", "manual"));
        return body;
    }

    private WebTestClient.ResponseSpec upload(String key, Object body) {
        return http.post().uri("/v1/captures").header("X-Device-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec multipart(String key, String deviceId, byte[] image, String fileName,
                                                 MediaType type, String triggerId) {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("image", new ByteArrayResource(image) {
            @Override
            public String getFilename() {
                return fileName;
            }
        }).contentType(type);
        parts.part("device_id", deviceId);
        if (triggerId != null) {
            parts.part("trigger_id", triggerId);
        }
        parts.part("captured_at", Instant.now().toString());
        return http.post().uri("/v1/captures").header("X-Device-Key", key)
                .body(BodyInserters.fromMultipartData(parts.build())).exchange();
    }

    private Map<String, Object> capture(String org, String captureId) {
        return http.get().uri("/api/v1/captures/" + captureId).header("Authorization", person(org, Role.ENGINEER))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> evaluated(String org, String captureId) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> http.get().uri("/api/v1/captures/" + captureId)
                        .header("Authorization", person(org, Role.ENGINEER)).exchange().returnResult(JSON)
                        .getResponseBody().blockFirst(),
                c -> c != null && "completed".equals(((Map<?, ?>) c.get("evaluation")).get("status")));
    }

    private static String code(WebTestClient.ResponseSpec response, int status) {
        Map<String, Object> body = response.expectStatus().isEqualTo(status).expectBody(JSON).returnResult().getResponseBody();
        return (String) ((Map<?, ?>) body.get("error")).get("code");
    }

    @Test
    void the_fleets_json_upload_executes_its_trigger_is_evaluated_and_its_image_is_served_to_the_organisation() throws Exception {
        String key = device("acme", CAP_JSON);
        String triggerId = trigger("acme", CAP_JSON);
        byte[] image = TestImages.jpeg(TestImages.scene(320, 240, 40, 40));

        Map<String, Object> answer = upload(key, fleetUpload(CAP_JSON, triggerId, image)).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(answer).containsOnlyKeys("record_id", "status", "evaluation_status")
                .containsEntry("status", "uploaded").containsEntry("evaluation_status", "pending");
        String captureId = (String) answer.get("record_id");
        assertThat(captureId).startsWith("cap_");

        // no ack was sent: the capture proves delivery, so the trigger is delivered, then executed
        assertThat(jdbc.queryForList("SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber",
                String.class, triggerId)).extracting(t -> t.substring(t.lastIndexOf('.') + 1))
                .containsExactly("TriggerCreated", "TriggerDelivered", "TriggerExecuted");
        await().atMost(Duration.ofSeconds(10)).until(() -> "executed".equals(jdbc.queryForObject(
                "SELECT state FROM trigger_view WHERE trigger_id = ?", String.class, triggerId)));

        Map<String, Object> view = evaluated("acme", captureId);
        assertThat(view).containsEntry("trigger_id", triggerId).containsEntry("trigger_type", "manual")
                .containsEntry("clock_skewed", false);
        assertThat((Map<String, Object>) view.get("image")).containsEntry("content_type", "image/jpeg")
                .containsEntry("width", 320).containsEntry("height", 240);
        assertThat((Map<String, Object>) view.get("metadata")).containsEntry("device_version", "2.0.0");
        Map<String, Object> result = (Map<String, Object>) ((Map<?, ?>) view.get("evaluation")).get("result");
        assertThat(result).containsKeys("detections", "objects", "suggested_events");

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
        byte[] served = http.get().uri("/api/v1/captures/" + captureId + "/image")
                .header("Authorization", person("acme", Role.ENGINEER)).exchange().expectStatus().isOk()
                .expectHeader().contentType(MediaType.IMAGE_JPEG)
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + sha + "\"")
                .expectHeader().valueMatches(HttpHeaders.CACHE_CONTROL, ".*max-age=31536000.*")
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(served).isEqualTo(image);
        byte[] part = http.get().uri("/api/v1/captures/" + captureId + "/image").header(HttpHeaders.RANGE, "bytes=10-19")
                .header("Authorization", person("acme", Role.ENGINEER)).exchange().expectStatus().isEqualTo(206)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 10-19/" + image.length)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(image, 10, 20));
        http.get().uri("/api/v1/captures/" + captureId + "/image").header(HttpHeaders.IF_NONE_MATCH, "\"" + sha + "\"")
                .header("Authorization", person("acme", Role.ENGINEER)).exchange().expectStatus().isNotModified();
        assertThat(code(http.get().uri("/api/v1/captures/" + captureId + "/image").header(HttpHeaders.RANGE, "bytes=999999-")
                .header("Authorization", person("acme", Role.ENGINEER)).exchange(), 416)).isEqualTo("range_not_satisfiable");
        // another organisation does not see it
        assertThat(code(http.get().uri("/api/v1/captures/" + captureId + "/image")
                .header("Authorization", person("other", Role.ENGINEER)).exchange(), 404)).isEqualTo("capture_not_found");
        // the blob is stored once, under its hash
        try (var files = Files.walk(blobs)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).contains(sha);
        }
    }

    @Test
    void a_repeated_upload_answers_the_first_and_stores_nothing_twice_even_when_the_repeats_arrive_together() throws Exception {
        String key = device("acme", CAP_REPEAT);
        String triggerId = trigger("acme", CAP_REPEAT);
        Map<String, Object> body = fleetUpload(CAP_REPEAT, triggerId, TestImages.jpeg(TestImages.scene(160, 120, 10, 10)));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Map<String, Object>>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return upload(key, body).expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
            }));
        }
        start.countDown();
        List<Object> ids = new ArrayList<>();
        for (Future<Map<String, Object>> answer : answers) {
            ids.add(answer.get().get("record_id"));
        }
        pool.shutdown();
        assertThat(ids).hasSize(6).containsOnly(ids.get(0));
        upload(key, body).expectStatus().isOk().expectHeader().valueEquals("Idempotent-Replayed", "true");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM capture_registry WHERE device_id = ?", Integer.class, CAP_REPEAT))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%CaptureUploaded'"
                + " AND convert_from(payload, 'UTF8') LIKE ?", Integer.class, "%" + CAP_REPEAT + "%")).isEqualTo(1);

        // an unsolicited upload is told apart by its Idempotency-Key, also when its repeats arrive together
        byte[] other = TestImages.jpeg(TestImages.scene(160, 120, 50, 50));
        Map<String, Object> unsolicited = fleetUpload(CAP_REPEAT, null, other);
        CountDownLatch together = new CountDownLatch(1);
        ExecutorService repeats = Executors.newFixedThreadPool(4);
        List<Future<Object>> unsolicitedIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            unsolicitedIds.add(repeats.submit(() -> {
                together.await();
                return http.post().uri("/v1/captures").header("X-Device-Key", key).header("Idempotency-Key", "motion-1")
                        .bodyValue(unsolicited).exchange().expectStatus().isOk().expectBody(JSON).returnResult()
                        .getResponseBody().get("record_id");
            }));
        }
        together.countDown();
        Object first = unsolicitedIds.get(0).get();
        for (Future<Object> id : unsolicitedIds) {
            assertThat(id.get()).isEqualTo(first);
        }
        repeats.shutdown();
        Object again = http.post().uri("/v1/captures").header("X-Device-Key", key).header("Idempotency-Key", "motion-1")
                .bodyValue(unsolicited).exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody()
                .get("record_id");
        assertThat(again).isEqualTo(first);
        assertThat(capture("acme", (String) first)).containsEntry("trigger_type", "unsolicited");
        // and the pipeline goes on after them
        upload(key, fleetUpload(CAP_REPEAT, null, TestImages.jpeg(TestImages.scene(160, 120, 90, 90))))
                .expectStatus().isOk();
    }

    @Test
    void a_multipart_upload_stores_a_png_and_an_unsolicited_capture_is_labelled() {
        String key = device("acme", CAP_MULTI);
        byte[] png = TestImages.png(TestImages.scene(200, 100, 20, 20));
        Map<String, Object> answer = multipart(key, CAP_MULTI, png, "frame.png", MediaType.IMAGE_PNG, null)
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        Map<String, Object> view = evaluated("acme", (String) answer.get("record_id"));
        assertThat(view).containsEntry("trigger_type", "unsolicited").containsEntry("trigger_label", "unsolicited");
        assertThat((Map<String, Object>) view.get("image")).containsEntry("content_type", "image/png")
                .containsEntry("width", 200).containsEntry("height", 100);
    }

    @Test
    void every_bad_upload_is_refused_with_its_own_code_and_writes_nothing() {
        String key = device("acme", CAP_BAD);
        String otherKey = device("acme", CAP_OTHER);
        byte[] jpeg = TestImages.jpeg(TestImages.scene(160, 120, 10, 10));
        String otherTrigger = trigger("acme", CAP_OTHER);

        assertThat(code(upload(key, fleetUpload(CAP_BAD, null, TestImages.truncated(jpeg))), 400)).isEqualTo("image_truncated");
        assertThat(code(multipart(key, CAP_BAD, TestImages.png(TestImages.scene(64, 64, 1, 1)), "frame.jpg",
                MediaType.IMAGE_JPEG, null), 400)).isEqualTo("image_type_mismatch");
        Map<String, Object> garbage = fleetUpload(CAP_BAD, null, jpeg);
        garbage.put("image_base64", "this is not base64 !!!");
        assertThat(code(upload(key, garbage), 400)).isEqualTo("invalid_image_base64");
        assertThat(code(upload(key, fleetUpload(CAP_BAD, null, "GIF89a....".getBytes())), 400))
                .isEqualTo("unsupported_image_type");
        Map<String, Object> badTime = fleetUpload(CAP_BAD, null, jpeg);
        badTime.put("captured_at", "yesterday at noon");
        assertThat(code(upload(key, badTime), 400)).isEqualTo("invalid_captured_at");
        // 10 MB + 1 byte, the default limit, over both shapes
        byte[] tooLarge = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(jpeg, 0, tooLarge, 0, jpeg.length);
        assertThat(code(upload(key, fleetUpload(CAP_BAD, null, tooLarge)), 413)).isEqualTo("image_too_large");
        assertThat(code(multipart(key, CAP_BAD, tooLarge, "big.jpg", MediaType.IMAGE_JPEG, null), 413))
                .isEqualTo("image_too_large");
        // another device's trigger is, to this one, not found; the key must be the body's device's
        assertThat(code(upload(key, fleetUpload(CAP_BAD, otherTrigger, jpeg)), 404)).isEqualTo("trigger_not_found");
        assertThat(code(upload(otherKey, fleetUpload(CAP_BAD, null, jpeg)), 403)).isEqualTo("wrong_device");
        assertThat(code(upload("not-a-key", fleetUpload(CAP_BAD, null, jpeg)), 401)).isEqualTo("device_unauthenticated");
        assertThat(code(http.post().uri("/v1/captures").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(fleetUpload(CAP_BAD, null, jpeg)).exchange(), 401)).isEqualTo("device_unauthenticated");

        assertThat(jdbc.queryForObject("SELECT count(*) FROM capture_registry WHERE device_id = ?", Integer.class, CAP_BAD))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE type = 'Capture'"
                + " AND convert_from(payload, 'UTF8') LIKE ?", Integer.class, "%" + CAP_BAD + "%")).isZero();
    }

    @Test
    void an_expired_trigger_takes_no_capture_and_says_how_to_keep_the_image() {
        String key = device("acme", CAP_LATE);
        String triggerId = trigger("acme", CAP_LATE);
        await().atMost(Duration.ofSeconds(15)).until(() -> "EXPIRED".equals(jdbc.queryForList(
                "SELECT state FROM trigger_closed WHERE trigger_id = ?", String.class, triggerId).stream().findFirst().orElse(null)));
        Map<String, Object> body = upload(key, fleetUpload(CAP_LATE, triggerId,
                TestImages.jpeg(TestImages.scene(160, 120, 10, 10)))).expectStatus().isEqualTo(409)
                .expectBody(JSON).returnResult().getResponseBody();
        Map<?, ?> error = (Map<?, ?>) body.get("error");
        assertThat(error.get("code")).isEqualTo("trigger_expired");
        assertThat((String) error.get("message")).contains("without trigger_id");
    }

    @Test
    void a_device_over_its_rate_and_an_organisation_over_its_quota_are_told_when_to_come_back() {
        String rated = CAP_RATE;
        String key = device("acme", rated);
        byte[] jpeg = TestImages.jpeg(TestImages.scene(64, 48, 1, 1));
        for (int i = 0; i < 12; i++) {
            http.post().uri("/v1/captures").header("X-Device-Key", key).header("Idempotency-Key", "r" + i)
                    .bodyValue(fleetUpload(rated, null, jpeg)).exchange().expectStatus().isOk();
        }
        WebTestClient.ResponseSpec refused = http.post().uri("/v1/captures").header("X-Device-Key", key)
                .header("Idempotency-Key", "r12").bodyValue(fleetUpload(rated, null, jpeg)).exchange();
        refused.expectHeader().value(HttpHeaders.RETRY_AFTER, v -> assertThat(Long.parseLong(v)).isBetween(1L, 3600L));
        assertThat(code(refused, 429)).isEqualTo("upload_rate_exceeded");
        // a repeat of an upload already stored is answered, not counted
        http.post().uri("/v1/captures").header("X-Device-Key", key).header("Idempotency-Key", "r0")
                .bodyValue(fleetUpload(rated, null, jpeg)).exchange().expectStatus().isOk();

        String quotaKey = device(QUOTA_ORG, CAP_QUOTA);
        String quotaKey2 = device(QUOTA_ORG, CAP_QUOTA2);
        upload(quotaKey, fleetUpload(CAP_QUOTA, null, jpeg)).expectStatus().isOk();
        upload(quotaKey2, fleetUpload(CAP_QUOTA2, null, jpeg)).expectStatus().isOk();
        assertThat(code(upload(quotaKey2, fleetUpload(CAP_QUOTA2, null, jpeg)), 429)).isEqualTo("upload_quota_exceeded");
    }

    @Test
    void motion_against_the_devices_previous_capture_is_found_and_the_list_filters_by_it_and_the_report_counts() {
        String key = device("acme", CAP_MOTION);
        List<List<Map<String, Object>>> snapshots = new java.util.concurrent.CopyOnWriteArrayList<>();
        reactor.core.Disposable live = org.springframework.web.reactive.function.client.WebClient
                .create("http://localhost:" + port).get().uri("/api/v1/devices/" + CAP_MOTION + "/captures/live")
                .header("Authorization", person("acme", Role.ENGINEER)).retrieve()
                .bodyToFlux(new org.springframework.core.ParameterizedTypeReference<
                        org.springframework.http.codec.ServerSentEvent<List<Map<String, Object>>>>() { })
                .filter(e -> e.data() != null)
                .subscribe(e -> snapshots.add(e.data()));
        String first = (String) upload(key, fleetUpload(CAP_MOTION, null, TestImages.jpeg(TestImages.scene(320, 240, 20, 20))))
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody().get("record_id");
        evaluated("acme", first);
        String second = (String) upload(key, fleetUpload(CAP_MOTION, null, TestImages.jpeg(TestImages.scene(320, 240, 220, 160))))
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody().get("record_id");
        Map<String, Object> moved = evaluated("acme", second);
        List<Map<String, Object>> detections = (List<Map<String, Object>>) ((Map<?, ?>) ((Map<?, ?>) moved.get("evaluation"))
                .get("result")).get("detections");
        assertThat(detections).anySatisfy(d -> assertThat(d.get("class")).isEqualTo("motion"));
        List<Map<String, Object>> withMotion = http.get().uri("/api/v1/devices/" + CAP_MOTION + "/captures?class=motion")
                .header("Authorization", person("acme", Role.ENGINEER)).exchange().expectStatus().isOk()
                .expectBody(JSON_LIST).returnResult().getResponseBody();
        assertThat(withMotion).extracting(c -> c.get("capture_id")).containsExactly(second);
        assertThat(http.get().uri("/api/v1/devices/" + CAP_MOTION + "/captures").header("Authorization", person("acme", Role.ENGINEER))
                .exchange().expectBody(JSON_LIST).returnResult().getResponseBody()).extracting(c -> c.get("capture_id"))
                .containsExactly(second, first);

        // the live list followed: its latest snapshot has both, the newest evaluated
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(snapshots).isNotEmpty();
            List<Map<String, Object>> latest = snapshots.get(snapshots.size() - 1);
            assertThat(latest).extracting(c -> c.get("capture_id")).containsExactly(second, first);
            assertThat((Map<String, Object>) latest.get(0).get("evaluation")).containsEntry("status", "completed");
        });
        live.dispose();

        Map<String, Object> report = http.get().uri("/api/v1/devices/" + CAP_MOTION + "/report")
                .header("Authorization", person("acme", Role.ENGINEER)).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat((Map<String, Object>) report.get("captures")).containsEntry("total", 2).containsEntry("evaluated", 2)
                .containsEntry("pending", 0).containsEntry("unsolicited", 2);
        assertThat(report).containsEntry("device_id", CAP_MOTION).containsKeys("last_seen_at", "triggers", "status");
    }
}
