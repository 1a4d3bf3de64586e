package io.vigil.core.node;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** A Proxmox node in the registry: whether it takes sessions, and how many VMs it may hold. */
public class Node {
    @AggregateIdentifier
    private NodeName node;
    private NodeSpec spec;

    protected Node() {
    }

    @CommandHandler
    public Node(RegisterNode command) {
        apply(new NodeRegistered(command.node(), command.spec()));
    }

    @CommandHandler
    public void handle(ChangeNode command) {
        if (!command.spec().equals(spec)) {
            apply(new NodeChanged(node, command.spec()));
        }
    }

    @EventSourcingHandler
    void on(NodeRegistered event) {
        node = event.node();
        spec = event.spec();
    }

    @EventSourcingHandler
    void on(NodeChanged event) {
        spec = event.spec();
    }
}
