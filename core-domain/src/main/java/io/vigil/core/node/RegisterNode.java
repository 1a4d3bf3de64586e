package io.vigil.core.node;

import io.vigil.core.Check;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RegisterNode(@TargetAggregateIdentifier NodeName node, NodeSpec spec) {
    public RegisterNode {
        Check.present(node, "node");
        Check.present(spec, "node_spec");
    }
}
