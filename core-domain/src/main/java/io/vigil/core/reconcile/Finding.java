package io.vigil.core.reconcile;

/**
 * One thing the reconciler found that no live session or kept VM holds, or a session whose VM is gone.
 *
 * @param kind    {@code vm}, {@code connection} or {@code lost_session}
 * @param name    the VM's or the connection's name; the session id for a lost session
 * @param ref     the Guacamole connection id (connections), the session id (lost sessions), else null
 * @param node    the VM's node (VMs and lost sessions)
 * @param vmid    the VM's id (VMs and lost sessions)
 * @param outcome {@code removed}, {@code remove_failed}, {@code already_gone} (removed by someone else between the
 *                listing and the removal), {@code left_alone} (its name changed: someone else's now), or
 *                {@code session_ended}
 * @param detail  why it counts as an orphan, or why its removal failed
 */
public record Finding(String kind, String name, String ref, String node, Integer vmid, String outcome, String detail) {
    public static final String VM = "vm";
    public static final String CONNECTION = "connection";
    public static final String LOST_SESSION = "lost_session";
    public static final String REMOVED = "removed";
    public static final String REMOVE_FAILED = "remove_failed";
    public static final String SESSION_ENDED = "session_ended";
    public static final String ALREADY_GONE = "already_gone";
    public static final String LEFT_ALONE = "left_alone";
}
