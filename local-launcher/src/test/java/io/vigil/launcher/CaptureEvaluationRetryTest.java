package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.OrgId;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import io.vigil.simulators.vision.VisionSimConfig;
import io.vigil.simulators.vision.VisionSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Captures evaluated by an external vision service (the HTTP evaluator against the vision simulator): an upload is
 * answered while the service is down, the evaluation is retried with its delay and completes once the service is
 * back, and fails for good with a plain reason when it never comes back within the attempts.
 */
@SuppressWarnings("unchecked")
class CaptureEvaluationRetryTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    static final VisionSimulator vision = VisionSimulator.start(VisionSimConfig.defaults());
    static final Path blobDir = CaptureUploadTest.temporaryDirectory();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final VisionSimConfig.Faults DOWN = new VisionSimConfig.Faults(1.0, 0, 0, 0);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.blobs.dir", blobDir::toString);
        registry.add("vigil.captures.evaluation.evaluator", () -> "http");
        registry.add("vigil.captures.evaluation.http.url", vision::baseUrl);
        registry.add("vigil.captures.evaluation.retry-delay", () -> "300ms");
        registry.add("vigil.captures.evaluation.max-attempts", () -> "3");
    }

    @AfterAll
    static void stop() {
        proxmox.close();
        guacamole.close();
        vision.close();
    }

    private String device(String id) {
        return (String) http.post().uri("/api/v1/devices").header("Authorization", person(Role.ADMIN))
                .bodyValue(Map.of("device_id", id)).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("api_key");
    }

    private String person(Role role) {
        return "Bearer " + tokens.issue("someone", List.of(role), new OrgId("acme")).token();
    }

    private String upload(String key, String deviceId) {
        return (String) http.post().uri("/v1/captures").header("X-Device-Key", key)
                .bodyValue(Map.of("device_id", deviceId, "captured_at", Instant.now().toString(), "image_base64",
                        Base64.getEncoder().encodeToString(TestImages.jpeg(TestImages.scene(160, 120, 20, 20)))))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody().get("record_id");
    }

    private Map<String, Object> evaluation(String captureId) {
        Map<String, Object> view = http.get().uri("/api/v1/captures/" + captureId).header("Authorization", person(Role.ENGINEER))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        return (Map<String, Object>) view.get("evaluation");
    }

    @Test
    void an_evaluation_waits_out_the_services_outage_and_one_that_outlasts_its_attempts_fails_with_a_reason() {
        String deviceId = "EVAL_" + RUN;
        String key = device(deviceId);
        vision.setFaults(DOWN);

        String doomed = upload(key, deviceId);
        Map<String, Object> failed = await().atMost(Duration.ofSeconds(20)).until(() -> evaluation(doomed),
                e -> "failed".equals(e.get("status")));
        assertThat(failed).containsEntry("attempts", 3);
        assertThat((String) failed.get("failure_reason")).contains("vision service").doesNotContain("Exception");

        String recovering = upload(key, deviceId);
        await().atMost(Duration.ofSeconds(20)).until(() -> (Integer) evaluation(recovering).get("attempts") >= 1);
        vision.setFaults(VisionSimConfig.Faults.NONE);
        Map<String, Object> completed = await().atMost(Duration.ofSeconds(20)).until(() -> evaluation(recovering),
                e -> "completed".equals(e.get("status")));
        assertThat((Integer) completed.get("attempts")).isGreaterThanOrEqualTo(2);
        assertThat((Map<String, Object>) completed.get("result")).containsEntry("evaluator", "http");
    }
}
