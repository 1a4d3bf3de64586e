package io.vigil.core.capture;

import com.github.f4b6a3.ulid.UlidCreator;
import io.vigil.core.Check;

/** A capture's id, the upload's {@code record_id}: {@code cap_} and a ULID, so ids sort by time of upload. */
public record CaptureId(String value) {
    public CaptureId {
        Check.matches(value, "cap_[0-9A-Z]{26}", "capture_id", "must be cap_ and a ULID");
    }

    public static CaptureId next() {
        return new CaptureId("cap_" + UlidCreator.getMonotonicUlid());
    }

    @Override
    public String toString() {
        return value;
    }
}
