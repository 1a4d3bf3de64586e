package io.vigil.core.session;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Instant;

public record SessionRequested(SessionId sessionId, UserId userId, TemplateId templateId, TemplateSpec template,
                               NodeName node, int durationMinutes, SessionType sessionType, Instant requestedAt,
                               Instant expiresAt) {
}
