package io.vigil.core.session;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;

/**
 * Teardown may now remove what the session holds; nothing else acts on its VM any more, so teardown and
 * provisioning (or hibernation, or resume) never race. Recorded when a session ends or fails with nothing else
 * working on its VM, or when the saga that was working hands it over.
 *
 * @param pendingTask a Proxmox task (UPID) that may still run on the VM; teardown waits for it first
 * @param keep        keep the VM for its owner (a persistent session) instead of destroying it
 * @param keptVmId    the kept VM the session was started from, when it was; it is returned under that id
 * @param templateId  the session's template, which a VM kept for its owner remembers
 */
public record TeardownStarted(SessionId sessionId, NodeName node, Integer vmid, String connectionId,
                              String pendingTask, boolean keep, String keptVmId, UserId owner,
                              TemplateId templateId, TemplateSpec template) {
}
