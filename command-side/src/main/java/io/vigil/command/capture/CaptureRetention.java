package io.vigil.command.capture;

import io.vigil.command.CaptureProperties;
import io.vigil.core.capture.CaptureAlertRaised;
import io.vigil.core.capture.CaptureId;
import io.vigil.core.capture.PurgeCaptureImage;
import io.vigil.platform.axon.ActorCorrelationProvider;
import io.vigil.platform.blob.BlobInfo;
import io.vigil.platform.blob.BlobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the blob store to what is owed: images past their organisation's retention are purged (an event says so;
 * the capture's history stays), blobs no capture references (an upload that crashed between its blob and its
 * event) are deleted once older than a grace time, and when the store's disk runs low the oldest images go first
 * and an admin is told.
 *
 * <p>Blobs are content-addressed, so two captures may share one: a blob is deleted only when no capture still
 * keeping its image references it, and only when it was not written recently (an upload of the same bytes may be
 * about to reference it); such a blob is left to a later sweep.
 */
@Component
public class CaptureRetention {
    private static final Logger log = LoggerFactory.getLogger(CaptureRetention.class);
    private final JdbcTemplate jdbc;
    private final BlobStore blobs;
    private final CommandGateway commands;
    private final EventGateway events;
    private final CaptureProperties.Retention settings;
    private final Clock clock;

    public CaptureRetention(JdbcTemplate jdbc, BlobStore blobs, CommandGateway commands, EventGateway events,
                            CaptureProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.commands = commands;
        this.events = events;
        this.settings = properties.retention();
        this.clock = clock;
    }

    /** What one run did. */
    public record Report(int purged, int purgedForSpace, int orphansDeleted) {
    }

    public Report run() {
        int purged = purgeExpired();
        int forSpace = purgeForSpace();
        int orphans = sweepOrphans();
        if (purged + forSpace + orphans > 0) {
            log.info("Capture retention: {} images past retention purged, {} purged for disk space, {} orphan blobs"
                    + " deleted", purged, forSpace, orphans);
        }
        return new Report(purged, forSpace, orphans);
    }

    /** Each organisation by its own retention; the others by the default. */
    int purgeExpired() {
        int purged = 0;
        Instant now = clock.instant();
        for (Map.Entry<String, Duration> org : settings.orgs().entrySet()) {
            purged += purgeWhere("org = ? AND received_at < ?", "retention", org.getKey(),
                    now.minus(org.getValue()).atOffset(ZoneOffset.UTC));
        }
        purged += purgeWhere("org <> ALL(?) AND received_at < ?", "retention",
                settings.orgs().keySet().toArray(String[]::new), now.minus(settings.keep()).atOffset(ZoneOffset.UTC));
        return purged;
    }

    private int purgeWhere(String condition, String reason, Object... args) {
        int purged = 0;
        while (true) {
            Object[] params = java.util.Arrays.copyOf(args, args.length + 1);
            params[args.length] = settings.batchSize();
            List<String> batch = jdbc.queryForList("SELECT capture_id FROM capture_registry WHERE purged_at IS NULL AND "
                    + condition + " ORDER BY received_at LIMIT ?", String.class, params);
            purged += purge(batch, reason);
            if (batch.size() < settings.batchSize()) {
                return purged;
            }
        }
    }

    /** Below the free-space floor: the oldest images of any organisation, a batch at a time, until above it. */
    int purgeForSpace() {
        OptionalLong free = blobs.usableSpace();
        long floor = settings.minFreeDisk().toBytes();
        if (free.isEmpty() || free.getAsLong() >= floor) {
            return 0;
        }
        long before = free.getAsLong();
        int purged = 0;
        while (blobs.usableSpace().orElse(Long.MAX_VALUE) < floor) {
            List<String> batch = jdbc.queryForList("SELECT capture_id FROM capture_registry WHERE purged_at IS NULL"
                    + " ORDER BY received_at LIMIT ?", String.class, settings.batchSize());
            if (batch.isEmpty()) {
                break;
            }
            purged += purge(batch, "disk_pressure");
        }
        events.publish(new CaptureAlertRaised("blob-store", "The blob store (" + blobs.describe() + ") had "
                + before / (1024 * 1024) + " MB free, under vigil.captures.retention.min-free-disk ("
                + floor / (1024 * 1024) + " MB): " + purged + " of the oldest images were purged before their"
                + " retention. Give it more space or shorten the retention."));
        return purged;
    }

    private int purge(List<String> captureIds, String reason) {
        int purged = 0;
        for (String id : captureIds) {
            try {
                Boolean removed = commands.sendAndWait(GenericCommandMessage.asCommandMessage(
                                new PurgeCaptureImage(new CaptureId(id), reason))
                        .andMetaData(MetaData.with(ActorCorrelationProvider.USER_ID, "system:retention")));
                String key = jdbc.queryForObject("SELECT blob_key FROM capture_registry WHERE capture_id = ?",
                        String.class, id);
                deleteIfUnreferenced(key);
                if (Boolean.TRUE.equals(removed)) {
                    purged++;
                }
            } catch (RuntimeException e) {
                log.warn("Purging the image of {} failed; the next run tries again: {}", id, e.toString());
            }
        }
        return purged;
    }

    private void deleteIfUnreferenced(String key) {
        Integer kept = jdbc.queryForObject("SELECT count(*) FROM capture_registry WHERE blob_key = ? AND purged_at IS NULL",
                Integer.class, key);
        if (kept != null && kept == 0 && writtenBeforeGrace(key)) {
            blobs.delete(key);
        }
    }

    private boolean writtenBeforeGrace(String key) {
        return blobs.stat(key).map(info -> info.lastModified().isBefore(clock.instant().minus(settings.orphanGrace())))
                .orElse(false);
    }

    /** Blobs older than the grace time that no capture keeping its image references. */
    int sweepOrphans() {
        List<BlobInfo> page = new ArrayList<>();
        int[] deleted = {0};
        blobs.list(clock.instant().minus(settings.orphanGrace()), info -> {
            page.add(info);
            if (page.size() >= 500) {
                deleted[0] += deleteOrphans(page);
                page.clear();
            }
        });
        deleted[0] += deleteOrphans(page);
        return deleted[0];
    }

    private int deleteOrphans(List<BlobInfo> page) {
        if (page.isEmpty()) {
            return 0;
        }
        String[] keys = page.stream().map(BlobInfo::key).toArray(String[]::new);
        Set<String> referenced = new HashSet<>(jdbc.queryForList(
                "SELECT DISTINCT blob_key FROM capture_registry WHERE blob_key = ANY(?) AND purged_at IS NULL",
                String.class, (Object) keys));
        int deleted = 0;
        for (String key : keys) {
            if (!referenced.contains(key) && blobs.delete(key)) {
                deleted++;
            }
        }
        return deleted;
    }
}
