package io.vigil.core.keptvm;

import io.vigil.core.session.SessionId;

public record KeptVmTaken(KeptVmId keptVmId, SessionId sessionId) {
}
