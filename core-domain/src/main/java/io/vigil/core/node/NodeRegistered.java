package io.vigil.core.node;

public record NodeRegistered(NodeName node, NodeSpec spec) {
}
