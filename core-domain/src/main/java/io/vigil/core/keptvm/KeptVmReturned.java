package io.vigil.core.keptvm;

import io.vigil.core.session.SessionId;
import java.time.Instant;

public record KeptVmReturned(KeptVmId keptVmId, SessionId sessionId, Instant retainUntil, String retentionDeadlineId) {
}
