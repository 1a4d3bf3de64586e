package io.vigil.core.keptvm;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.SessionId;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Instant;

/** A VM kept for its owner; it is deleted at {@code retainUntil} unless a session uses it again. */
public record VmKept(KeptVmId keptVmId, UserId owner, TemplateId templateId, TemplateSpec template, NodeName node,
                     int vmid, SessionId fromSession, Instant keptAt, Instant retainUntil, String retentionDeadlineId) {
}
