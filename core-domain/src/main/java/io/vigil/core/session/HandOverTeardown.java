package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The saga that was working on the session's VM (provisioning, hibernation, resume) has stopped because the
 * session is ending, and hands the VM to teardown. {@code pendingTask} is a Proxmox task it started that may still
 * run (teardown waits for it first), null when none.
 */
public record HandOverTeardown(@TargetAggregateIdentifier SessionId sessionId, String pendingTask) {
}
