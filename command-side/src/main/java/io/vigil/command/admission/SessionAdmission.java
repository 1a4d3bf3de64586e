package io.vigil.command.admission;

import io.vigil.command.KeptVmProperties;
import io.vigil.command.ProvisioningProperties;
import io.vigil.command.admission.AdmissionLedger.KeptVmEntry;
import io.vigil.command.admission.AdmissionLedger.PlacedTemplate;
import io.vigil.command.node.NodeStatusCache;
import io.vigil.core.DomainException;
import io.vigil.core.keptvm.KeptVmId;
import io.vigil.core.keptvm.TakeKeptVm;
import io.vigil.core.node.NodeLoad;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeSelector;
import io.vigil.core.session.AdmitResume;
import io.vigil.core.session.AdmitSession;
import io.vigil.core.session.KeptVmSource;
import io.vigil.core.session.RequestSession;
import io.vigil.core.session.ResumeSession;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionQuota;
import io.vigil.core.session.SessionStatus;
import io.vigil.core.session.SessionType;
import io.vigil.core.template.TemplateSpec;
import io.vigil.platform.cache.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Turns what an engineer asks for into an {@link AdmitSession} with the facts the aggregate decides on. Requests
 * are admitted one at a time (a transaction-scoped advisory lock): two requests cannot both take the last quota
 * slot or the last place on a node.
 * <p>
 * Admission holds a database connection and that lock, so it waits on nothing outside the database: node figures
 * come from {@link NodeStatusCache#snapshot()} (memory), the template's placement from the ledger. Refreshing either
 * is a background job's work.
 */
@Component
public class SessionAdmission {
    private static final long ADMISSION_LOCK = 0x56_49_47_49_4CL; // "VIGIL"
    private final JdbcTemplate jdbc;
    private final AdmissionLedger ledger;
    private final NodeStatusCache nodeStatus;
    private final CommandGateway commands;
    private final ProvisioningProperties properties;
    private final KeptVmProperties keptVms;
    private final Clock clock;

    public SessionAdmission(JdbcTemplate jdbc, AdmissionLedger ledger, NodeStatusCache nodeStatus, CommandGateway commands,
                            ProvisioningProperties properties, KeptVmProperties keptVms, Clock clock) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.nodeStatus = nodeStatus;
        this.commands = commands;
        this.properties = properties;
        this.keptVms = keptVms;
        this.clock = clock;
    }

    @CommandHandler
    public AdmittedSession handle(RequestSession request) {
        jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> { }, ADMISSION_LOCK);
        int running = ledger.runningSessions(request.userId());
        SessionQuota.check(running, properties.quotaPerUser());
        Instant now = clock.instant();
        AdmitSession admit = request.fromVm() != null
                ? fromKeptVm(request, running, now)
                : fromTemplate(request, running, now);
        commands.sendAndWait(admit);
        return new AdmittedSession(request.sessionId(), admit.template(), admit.node(),
                now.plus(Duration.ofMinutes(request.durationMinutes())));
    }

    private AdmitSession fromTemplate(RequestSession request, int running, Instant now) {
        PlacedTemplate placed = ledger.template(request.templateId()).orElseThrow(() -> DomainException.notFound(
                "template_not_found", "No template '" + request.templateId() + "'"));
        TemplateSpec template = placed.spec();
        if (!template.active()) {
            throw DomainException.conflict("template_inactive", "Template '" + template.name() + "' is not offered at the moment");
        }
        String cloneNode = placed.cloneNode().orElseThrow(() -> DomainException.unavailable("template_not_located",
                "Template '" + template.name() + "' was not found in the cluster yet; try again in a minute"));
        if (request.sessionType() == SessionType.PERSISTENT && ledger.keptOrToBeKept(request.userId()) >= keptVms.perUser()) {
            throw DomainException.conflict("kept_vm_limit", "You keep " + keptVms.perUser() + " VMs already (the limit);"
                    + " delete one (DELETE /api/v1/vms/{id}) or ask for an ephemeral session");
        }
        // Without shared storage a linked clone cannot leave the template's node (and a full clone is too slow).
        Set<String> allowed = placed.anyNode() ? null : Set.of(cloneNode);
        NodeName node;
        try {
            node = NodeSelector.choose(loads(allowed));
        } catch (DomainException e) {
            if (allowed == null) {
                throw e;
            }
            throw new DomainException(e.rejection(), e.code(), e.getMessage() + " (template '" + template.name()
                    + "' is on local storage, so its VMs can only run on " + cloneNode + ")");
        }
        return new AdmitSession(request.sessionId(), request, template, node, running, properties.quotaPerUser(), now,
                new NodeName(cloneNode), null);
    }

    /** The owner's kept VM is taken for the new session, in this transaction: no second session can take it. */
    private AdmitSession fromKeptVm(RequestSession request, int running, Instant now) {
        KeptVmEntry kept = ledger.keptVm(request.fromVm()).filter(k -> k.owner().equals(request.userId()))
                .filter(k -> !"DELETED".equals(k.state()))
                .orElseThrow(() -> DomainException.notFound("vm_not_found", "You keep no VM " + request.fromVm()));
        PlacedTemplate placed = kept.templateId() == null ? null : ledger.template(kept.templateId()).orElse(null);
        if (placed == null) {
            throw DomainException.conflict("template_not_found", "The template of VM " + kept.keptVmId() + " is no longer known");
        }
        NodeName node = NodeSelector.choose(loads(Set.of(kept.node())));
        commands.sendAndWait(new TakeKeptVm(new KeptVmId(kept.keptVmId()), request.sessionId(), request.userId()));
        RequestSession withTemplate = new RequestSession(request.sessionId(), request.userId(), kept.templateId(),
                request.durationMinutes(), SessionType.PERSISTENT, request.fromVm());
        return new AdmitSession(request.sessionId(), withTemplate, placed.spec(), node, running, properties.quotaPerUser(),
                now, node, new KeptVmSource(kept.keptVmId(), kept.vmid()));
    }

    /**
     * A resume takes quota back, so it is admitted under the same lock as a request: a user cannot resume past
     * the quota by racing a request. The quota counted is the owner's, whoever asks.
     */
    @CommandHandler
    public SessionStatus handle(ResumeSession request) {
        jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> { }, ADMISSION_LOCK);
        var session = ledger.session(request.sessionId()).orElseThrow(() -> DomainException.notFound(
                "session_not_found", "No session " + request.sessionId()));
        return commands.sendAndWait(new AdmitResume(request.sessionId(), request,
                ledger.runningSessions(session.owner()), properties.quotaPerUser()));
    }

    private List<NodeLoad> loads(Set<String> allowed) {
        Map<String, NodeStatus> live = nodeStatus.snapshot();
        return ledger.placements().stream()
                .filter(p -> allowed == null || allowed.contains(p.node()))
                .map(p -> {
                    NodeStatus s = live.get(p.node());
                    boolean reachable = s != null && "online".equals(s.status());
                    return new NodeLoad(new NodeName(p.node()), p.status(), reachable,
                            s == null ? 1.0 : s.cpu(), s == null ? 0 : s.memUsed(), s == null ? 0 : s.memTotal(),
                            p.vms(), p.maxVms(), p.pendingRamMb());
                }).toList();
    }

    public record AdmittedSession(SessionId sessionId, TemplateSpec template, NodeName node, Instant expiresAt) {
    }
}
