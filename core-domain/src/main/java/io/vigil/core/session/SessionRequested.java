package io.vigil.core.session;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Instant;

/**
 * A session was admitted on {@code node}.
 *
 * @param templateNode     the node the template lives on: clones are made there (with {@code target=node});
 *                         null in events recorded before placement was known (the clone then names {@code node})
 * @param expiryDeadlineId the expiry deadline's schedule id, cancelled by that id (null in older events)
 * @param source           the kept VM the session starts from instead of a clone, or null
 */
public record SessionRequested(SessionId sessionId, UserId userId, TemplateId templateId, TemplateSpec template,
                               NodeName node, int durationMinutes, SessionType sessionType, Instant requestedAt,
                               Instant expiresAt, NodeName templateNode, String expiryDeadlineId, KeptVmSource source) {
}
