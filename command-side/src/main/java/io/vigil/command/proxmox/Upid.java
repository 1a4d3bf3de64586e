package io.vigil.command.proxmox;

/** Reads a task id ({@code UPID:node:pid:pstart:starttime:type:id:user:}). */
public final class Upid {
    private Upid() {
    }

    /** The node that runs the task; its status is only known there. */
    public static String node(String upid) {
        String[] parts = upid == null ? new String[0] : upid.split(":");
        if (parts.length < 8 || !"UPID".equals(parts[0])) {
            throw new IllegalArgumentException("not a Proxmox task id: " + upid);
        }
        return parts[1];
    }
}
