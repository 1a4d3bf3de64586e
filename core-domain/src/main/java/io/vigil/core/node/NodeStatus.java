package io.vigil.core.node;

/** The admin's view of a node: only ONLINE nodes receive new sessions. */
public enum NodeStatus { ONLINE, OFFLINE, MAINTENANCE }
