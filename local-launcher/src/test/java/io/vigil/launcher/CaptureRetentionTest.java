package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.command.CaptureProperties;
import io.vigil.command.capture.CaptureRetention;
import io.vigil.core.OrgId;
import io.vigil.platform.blob.BlobStore;
import io.vigil.platform.blob.StoredBlob;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * Retention against the real blob store and event store: an image past its organisation's retention is purged (an
 * event says so, the capture stays, its image answers 410); a blob whose upload crashed before its event is deleted
 * once older than the grace time, not before; a disk below its floor loses its oldest images first and tells an
 * admin; and no capture that keeps its image ever points to a missing blob.
 */
class CaptureRetentionTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    static final Path blobDir = CaptureUploadTest.temporaryDirectory();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    CaptureRetention retention;
    @Autowired
    BlobStore blobs;
    @Autowired
    CommandGateway commands;
    @Autowired
    EventGateway events;
    @Autowired
    CaptureProperties properties;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        registry.add("vigil.blobs.dir", blobDir::toString);
        registry.add("vigil.captures.retention.orgs.brief", () -> "2s");
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    private String upload(String org, String deviceId, byte[] image) {
        String key = (String) http.post().uri("/api/v1/devices").header("Authorization", admin(org))
                .bodyValue(Map.of("device_id", deviceId)).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("api_key");
        return (String) http.post().uri("/v1/captures").header("X-Device-Key", key)
                .bodyValue(Map.of("device_id", deviceId, "image_base64", Base64.getEncoder().encodeToString(image),
                        "captured_at", Instant.now().toString()))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody().get("record_id");
    }

    private String admin(String org) {
        return "Bearer " + tokens.issue("admin-" + org, List.of(Role.ADMIN), new OrgId(org)).token();
    }

    private Path file(String key) {
        return blobDir.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    private void age(String key, Duration by) throws Exception {
        Files.setLastModifiedTime(file(key), FileTime.from(Instant.now().minus(by)));
    }

    private void noCaptureKeepsAMissingBlob() {
        List<String> kept = jdbc.queryForList("SELECT blob_key FROM capture_registry WHERE purged_at IS NULL", String.class);
        assertThat(kept).allSatisfy(key -> assertThat(blobs.stat(key)).as("blob " + key).isPresent());
    }

    @Test
    void an_image_past_its_organisations_retention_is_purged_and_its_history_stays() throws Exception {
        String kept = upload("acme", "RET_KEPT_" + RUN, TestImages.jpeg(TestImages.scene(120, 90, 5, 5)));
        String brief = upload("brief", "RET_BRIEF_" + RUN, TestImages.jpeg(TestImages.scene(120, 90, 60, 40)));
        String key = jdbc.queryForObject("SELECT blob_key FROM capture_registry WHERE capture_id = ?", String.class, brief);

        await().atMost(Duration.ofSeconds(15)).until(() -> retention.run().purged() > 0
                || jdbc.queryForObject("SELECT purged_at IS NOT NULL FROM capture_registry WHERE capture_id = ?",
                Boolean.class, brief));
        assertThat(jdbc.queryForObject("SELECT purged_at IS NULL FROM capture_registry WHERE capture_id = ?",
                Boolean.class, kept)).isTrue();
        assertThat(jdbc.queryForList("SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ?"
                + " ORDER BY sequencenumber", String.class, brief)).last().asString().endsWith("CaptureImagePurged");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> http.get().uri("/api/v1/captures/" + brief + "/image")
                .header("Authorization", admin("brief")).exchange().expectStatus().isEqualTo(410));
        Map<String, Object> view = http.get().uri("/api/v1/captures/" + brief).header("Authorization", admin("brief"))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat((Map<String, Object>) view.get("image")).containsEntry("purge_reason", "retention").doesNotContainKey("url");

        // the blob was just written: an upload of the same bytes might be about to use it, so a later sweep takes it
        assertThat(blobs.stat(key)).isPresent();
        age(key, Duration.ofHours(2));
        retention.run();
        assertThat(blobs.stat(key)).isEmpty();
        noCaptureKeepsAMissingBlob();
    }

    @Test
    void a_blob_left_by_an_upload_that_crashed_before_its_event_is_swept_once_older_than_the_grace_time() throws Exception {
        StoredBlob young = blobs.put(TestImages.jpeg(TestImages.scene(100, 80, 30, 30)), "image/jpeg");
        StoredBlob old = blobs.put(TestImages.jpeg(TestImages.scene(100, 80, 50, 10)), "image/jpeg");
        age(old.key(), Duration.ofHours(2));
        String referenced = upload("acme", "RET_REF_" + RUN, TestImages.jpeg(TestImages.scene(100, 80, 10, 50)));
        String referencedKey = jdbc.queryForObject("SELECT blob_key FROM capture_registry WHERE capture_id = ?",
                String.class, referenced);
        age(referencedKey, Duration.ofHours(2));

        CaptureRetention.Report report = retention.run();

        assertThat(report.orphansDeleted()).isGreaterThanOrEqualTo(1);
        assertThat(blobs.stat(old.key())).isEmpty();
        assertThat(blobs.stat(young.key())).isPresent();
        assertThat(blobs.stat(referencedKey)).isPresent();
        noCaptureKeepsAMissingBlob();
    }

    @Test
    void below_the_free_disk_floor_the_oldest_images_go_first_and_an_admin_is_told() {
        String first = upload("acme", "RET_DISK1_" + RUN, TestImages.jpeg(TestImages.scene(100, 80, 1, 1)));
        String second = upload("acme", "RET_DISK2_" + RUN, TestImages.jpeg(TestImages.scene(100, 80, 40, 40)));
        CaptureProperties.Retention r = properties.retention();
        CaptureProperties floorAboveTheDisk = new CaptureProperties(properties.maxImageSize(), properties.rateLimit(),
                properties.rateWindow(), properties.dailyQuota(), properties.quotas(), properties.evaluation(),
                new CaptureProperties.Retention(r.keep(), r.orgs(), r.every(), r.batchSize(), r.orphanGrace(),
                        DataSize.ofTerabytes(1024 * 1024)));
        CaptureRetention pressed = new CaptureRetention(jdbc, blobs, commands, events, floorAboveTheDisk, Clock.systemUTC());

        assertThat(pressed.run().purgedForSpace()).isGreaterThanOrEqualTo(2);

        assertThat(jdbc.queryForList("SELECT capture_id FROM capture_registry WHERE capture_id IN (?, ?)"
                + " AND purged_at IS NOT NULL", String.class, first, second)).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM admin_alert WHERE subject = 'blob-store'", Integer.class) > 0);
        assertThat(jdbc.queryForObject("SELECT message FROM admin_alert WHERE subject = 'blob-store' LIMIT 1", String.class))
                .contains("min-free-disk");
        noCaptureKeepsAMissingBlob();
    }
}
