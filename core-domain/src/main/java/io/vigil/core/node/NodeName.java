package io.vigil.core.node;

import io.vigil.core.Check;

/** A Proxmox node's name, e.g. {@code pve-1}: the node's identity in Proxmox and here. */
public record NodeName(String value) {
    public NodeName {
        Check.matches(value, "[a-zA-Z0-9][a-zA-Z0-9.-]{0,62}", "node", "must be a Proxmox node name");
    }

    @Override
    public String toString() {
        return value;
    }
}
