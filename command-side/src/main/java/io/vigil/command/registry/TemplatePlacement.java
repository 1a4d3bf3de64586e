package io.vigil.command.registry;

import io.vigil.command.admission.AdmissionLedger;
import io.vigil.command.admission.AdmissionLedger.TemplateRef;
import io.vigil.command.proxmox.ClusterVm;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.RecordTemplatePlacement;
import io.vigil.core.template.TemplateChanged;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateRegistered;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds each template VM in the cluster: its node ({@code GET /cluster/resources}) and whether all its disks are
 * on shared storage ({@code GET .../config}, {@code GET /storage}), which decides whether its clones may go to
 * another node. What it finds is recorded on the template (an event only when it changed), so admission reads it
 * from the database and never asks Proxmox itself. Runs for every template periodically (a db-scheduler recurring
 * task, one instance at a time) and for a template as soon as it is registered or changed.
 */
@Component
@ProcessingGroup("template-placement")
public class TemplatePlacement {
    private static final Logger log = LoggerFactory.getLogger(TemplatePlacement.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private final ProxmoxClient proxmox;
    private final AdmissionLedger ledger;
    private final CommandGateway commands;

    public TemplatePlacement(ProxmoxClient proxmox, AdmissionLedger ledger, CommandGateway commands) {
        this.proxmox = proxmox;
        this.ledger = ledger;
        this.commands = commands;
    }

    @EventHandler
    @DisallowReplay
    void on(TemplateRegistered event) {
        locateQuietly(event.templateId(), event.spec().proxmoxVmid(), event.spec().node());
    }

    @EventHandler
    @DisallowReplay
    void on(TemplateChanged event) {
        locateQuietly(event.templateId(), event.spec().proxmoxVmid(), event.spec().node());
    }

    /** Every template, with one look at the cluster's VMs and storages. */
    public void locateAll() {
        List<TemplateRef> templates = ledger.templates();
        if (templates.isEmpty()) {
            return;
        }
        List<ClusterVm> vms = proxmox.clusterVms().block(CALL_TIMEOUT);
        Map<String, Boolean> shared = proxmox.sharedStorages().block(CALL_TIMEOUT);
        for (TemplateRef t : templates) {
            try {
                record(t.templateId(), t.proxmoxVmid(), t.adminNode() == null ? null : new NodeName(t.adminNode()), vms, shared);
            } catch (RuntimeException e) {
                // one template's node not answering does not keep the others from being placed
                log.warn("Could not look up template {} (VM {}) now: {}", t.templateId(), t.proxmoxVmid(), e.getMessage());
            }
        }
    }

    private void locateQuietly(TemplateId id, int vmid, NodeName adminNode) {
        try {
            record(id, vmid, adminNode, proxmox.clusterVms().block(CALL_TIMEOUT), proxmox.sharedStorages().block(CALL_TIMEOUT));
        } catch (RuntimeException e) {
            // the periodic look tries again; admission meanwhile uses the admin's node, if any
            log.warn("Could not look up template {} (VM {}) in the cluster now: {}", id, vmid, e.getMessage());
        }
    }

    private void record(TemplateId id, int vmid, NodeName adminNode, List<ClusterVm> vms, Map<String, Boolean> shared) {
        Optional<ClusterVm> found = vms.stream().filter(vm -> vm.vmid() == vmid).findFirst();
        // the listing says where the VM is; its config, read now, whether it is a template (the listing's flag lags)
        ProxmoxClient.VmDisks disks = found.isEmpty() ? null : proxmox.disks(found.get().node(), vmid).block(CALL_TIMEOUT);
        RecordTemplatePlacement placement;
        if (found.isEmpty()) {
            placement = new RecordTemplatePlacement(id, null, false, List.of(), "no VM " + vmid + " in the cluster");
        } else if (!disks.template()) {
            placement = new RecordTemplatePlacement(id, null, false, List.of(), "VM " + vmid + " is not a template");
        } else {
            ClusterVm vm = found.get();
            List<String> storages = disks.storages();
            boolean allShared = !storages.isEmpty() && storages.stream().allMatch(s -> shared.getOrDefault(s, false));
            String problem = adminNode != null && !adminNode.value().equals(vm.node())
                    ? "set to live on " + adminNode + ", but the cluster shows it on " + vm.node() : null;
            placement = new RecordTemplatePlacement(id, new NodeName(vm.node()), allShared, storages, problem);
        }
        if (placement.problem() != null) {
            log.warn("Template {}: {}", id, placement.problem());
        }
        commands.sendAndWait(placement);
    }
}
