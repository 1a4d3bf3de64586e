package io.vigil.core.session;

import io.vigil.core.Check;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A request together with what admission found out: the template as it is now, the node chosen for it, the node
 * the template lives on, the kept VM it starts from (if any) and how many sessions the user has running. The
 * aggregate decides with these; it does no I/O itself.
 */
public record AdmitSession(@TargetAggregateIdentifier SessionId sessionId, RequestSession request,
                           TemplateSpec template, NodeName node, int runningSessions, int quota, Instant requestedAt,
                           NodeName templateNode, KeptVmSource source) {
    public AdmitSession {
        Check.present(sessionId, "session_id");
        Check.present(request, "request");
        Check.present(template, "template");
        Check.present(node, "node");
        Check.present(requestedAt, "requested_at");
    }

    public TemplateId templateId() {
        return request.templateId();
    }
}
