package io.vigil.command.admission;

import io.vigil.command.ProvisioningProperties;
import io.vigil.command.node.NodeStatusCache;
import io.vigil.core.DomainException;
import io.vigil.core.node.NodeLoad;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeSelector;
import io.vigil.core.session.AdmitResume;
import io.vigil.core.session.AdmitSession;
import io.vigil.core.session.ResumeSession;
import io.vigil.core.session.SessionStatus;
import io.vigil.core.session.RequestSession;
import io.vigil.core.session.SessionQuota;
import io.vigil.core.template.TemplateSpec;
import io.vigil.platform.cache.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Turns what an engineer asks for into an {@link AdmitSession} with the facts the aggregate decides on. Requests
 * are admitted one at a time (a transaction-scoped advisory lock): two requests cannot both take the last quota
 * slot or the last place on a node. The lock is held for a few milliseconds, not for provisioning.
 */
@Component
public class SessionAdmission {
    private static final long ADMISSION_LOCK = 0x56_49_47_49_4CL; // "VIGIL"
    private final JdbcTemplate jdbc;
    private final AdmissionLedger ledger;
    private final NodeStatusCache nodeStatus;
    private final CommandGateway commands;
    private final ProvisioningProperties properties;
    private final Clock clock;

    public SessionAdmission(JdbcTemplate jdbc, AdmissionLedger ledger, NodeStatusCache nodeStatus, CommandGateway commands,
                            ProvisioningProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.nodeStatus = nodeStatus;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    @CommandHandler
    public AdmittedSession handle(RequestSession request) {
        // Ask Proxmox (if the cache is old) before taking the lock, so a slow Proxmox does not queue everyone.
        Map<String, NodeStatus> live = nodeStatus.current();
        jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> { }, ADMISSION_LOCK);
        TemplateSpec template = ledger.template(request.templateId()).orElseThrow(() -> DomainException.notFound(
                "template_not_found", "No template '" + request.templateId() + "'"));
        if (!template.active()) {
            throw DomainException.conflict("template_inactive", "Template '" + template.name() + "' is not offered at the moment");
        }
        int running = ledger.runningSessions(request.userId());
        SessionQuota.check(running, properties.quotaPerUser());
        NodeName node = NodeSelector.choose(loads(live));
        Instant now = clock.instant();
        commands.sendAndWait(new AdmitSession(request.sessionId(), request, template, node, running,
                properties.quotaPerUser(), now));
        return new AdmittedSession(request.sessionId(), template, node, now.plus(Duration.ofMinutes(request.durationMinutes())));
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

    private List<NodeLoad> loads(Map<String, NodeStatus> live) {
        return ledger.placements().stream().map(p -> {
            NodeStatus s = live.get(p.node());
            boolean reachable = s != null && "online".equals(s.status());
            return new NodeLoad(new NodeName(p.node()), p.status(), reachable,
                    s == null ? 1.0 : s.cpu(), s == null ? 0 : s.memUsed(), s == null ? 0 : s.memTotal(),
                    p.vms(), p.maxVms(), p.pendingRamMb());
        }).toList();
    }

    public record AdmittedSession(io.vigil.core.session.SessionId sessionId, TemplateSpec template, NodeName node,
                                  Instant expiresAt) {
    }
}
