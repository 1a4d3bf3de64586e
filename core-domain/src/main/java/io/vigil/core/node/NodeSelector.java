package io.vigil.core.node;

import io.vigil.core.DomainException;
import java.util.Comparator;
import java.util.List;

/** Picks the least loaded node that can take one more session, or says clearly why none can. */
public final class NodeSelector {
    public static final double SCORE_CEILING = 0.85;

    private NodeSelector() {
    }

    public static NodeName choose(List<NodeLoad> loads) {
        List<NodeLoad> online = loads.stream()
                .filter(l -> l.status() == NodeStatus.ONLINE && l.reachable())
                .toList();
        if (online.isEmpty()) {
            throw DomainException.unavailable("no_node_online", "No Proxmox node is online to take a session");
        }
        List<NodeLoad> withRoom = online.stream().filter(l -> l.vms() < l.maxVms()).toList();
        if (withRoom.isEmpty()) {
            throw DomainException.unavailable("no_node_capacity", "Every online node holds its maximum number of VMs");
        }
        return withRoom.stream()
                .filter(l -> l.score() < SCORE_CEILING)
                .min(Comparator.comparingDouble(NodeLoad::score).thenComparing(l -> l.node().value()))
                .map(NodeLoad::node)
                .orElseThrow(() -> DomainException.unavailable("no_node_capacity",
                        "Every online node is loaded above " + Math.round(SCORE_CEILING * 100) + " %; try again later"));
    }
}
