package io.vigil.query.keptvm;

import io.r2dbc.spi.Readable;
import java.time.Instant;

/**
 * A VM kept from a persistent session, as its owner sees it: what it is, where it runs, until when it is kept, and
 * the session using it now. Never the VMID (admins see it in {@link AdminKeptVmView}).
 *
 * @param status kept, in_use, deleting
 */
public record KeptVmView(String id, String status, Template template, String nodeName, Instant keptAt,
                         Instant retainedUntil, String sessionId) {

    static KeptVmView from(Readable row) {
        return new KeptVmView(row.get("kept_vm_id", String.class), row.get("status", String.class),
                new Template(row.get("template_id", String.class), row.get("template_name", String.class),
                        row.get("os_type", String.class), row.get("protocol", String.class)),
                row.get("node_name", String.class), row.get("kept_at", Instant.class),
                row.get("retained_until", Instant.class), row.get("session_id", String.class));
    }

    public record Template(String id, String name, String osType, String protocol) {
    }

    /** The same with its owner, VMID, the session it came from and how its deletion went. */
    public record AdminKeptVmView(String id, String owner, String status, Template template, String nodeName,
                                  Integer vmid, Instant keptAt, Instant retainedUntil, String sessionId,
                                  String fromSession, Instant deletedAt, String deletionNote) {

        static AdminKeptVmView from(Readable row) {
            KeptVmView v = KeptVmView.from(row);
            return new AdminKeptVmView(v.id(), row.get("owner", String.class), v.status(), v.template(), v.nodeName(),
                    row.get("vmid", Integer.class), v.keptAt(), v.retainedUntil(), v.sessionId(),
                    row.get("from_session", String.class), row.get("deleted_at", Instant.class),
                    row.get("deletion_note", String.class));
        }
    }
}
