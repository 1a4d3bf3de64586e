package io.vigil.core.node;

public record NodeChanged(NodeName node, NodeSpec spec) {
}
