package io.vigil.core.node;

import io.vigil.core.Check;

public record NodeSpec(String hostname, NodeStatus status, int maxVms) {
    public static final int DEFAULT_MAX_VMS = 50;

    public NodeSpec {
        Check.text(hostname, "hostname", 253);
        Check.present(status, "status");
        Check.range(maxVms, 1, 10_000, "max_vms");
    }
}
