package io.vigil.core.session;

import com.github.f4b6a3.ulid.UlidCreator;
import io.vigil.core.Check;

/** A session's id: a ULID, so ids sort by creation time. */
public record SessionId(String value) {
    public SessionId {
        Check.matches(value, "[0-9A-HJKMNP-TV-Z]{26}", "session_id", "must be a ULID");
    }

    public static SessionId generate() {
        return new SessionId(UlidCreator.getMonotonicUlid().toString());
    }

    /** The VM and Guacamole connection name: a reader of Proxmox can tell which session owns a VM. */
    public String vmName() {
        return "vigil-" + value.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return value;
    }
}
