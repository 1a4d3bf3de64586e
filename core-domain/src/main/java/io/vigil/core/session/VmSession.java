package io.vigil.core.session;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.vigil.core.DomainException;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import java.time.Duration;
import java.time.Instant;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * One user's lab VM session, from request to its end. It decides (quota, lifecycle, ownership) and records what
 * the sagas report; it never talks to Proxmox or Guacamole.
 */
public class VmSession {
    public static final String EXPIRY_DEADLINE = "session-expiry";

    @AggregateIdentifier
    private SessionId sessionId;
    private UserId owner;
    private SessionStatus status;
    private NodeName node;
    private Integer vmid;
    private boolean cloned;
    private boolean booted;
    private String connectionId;
    private EndReason endReason;

    protected VmSession() {
    }

    @CommandHandler
    public VmSession(AdmitSession command, DeadlineManager deadlines) {
        RequestSession request = command.request();
        if (!command.template().active()) {
            throw DomainException.conflict("template_inactive",
                    "Template '" + command.template().name() + "' is not offered at the moment");
        }
        SessionQuota.check(command.runningSessions(), command.quota());
        Instant expiresAt = command.requestedAt().plus(Duration.ofMinutes(request.durationMinutes()));
        apply(new SessionRequested(command.sessionId(), request.userId(), request.templateId(), command.template(),
                command.node(), request.durationMinutes(), request.sessionType(), command.requestedAt(), expiresAt));
        deadlines.schedule(expiresAt, EXPIRY_DEADLINE);
    }

    // The saga's reports. A report that no longer fits (the session ended meanwhile, or it is a repeat after a
    // redelivery) is ignored rather than refused: refusing would roll back the saga's transaction and make it
    // retry something that can never succeed.

    @CommandHandler
    public void handle(ReserveVmId command) {
        if (provisioning() && !cloned) {
            apply(new VmIdReserved(sessionId, node, command.vmid()));
        }
    }

    @CommandHandler
    public void handle(RecordVmCloned command) {
        if (provisioning() && !cloned && vmid != null && vmid == command.vmid()) {
            apply(new VmCloned(sessionId, node, command.vmid()));
        }
    }

    @CommandHandler
    public void handle(RecordVmBooted command) {
        if (provisioning() && cloned && !booted) {
            apply(new VmBooted(sessionId, command.guestAddress()));
        }
    }

    @CommandHandler
    public void handle(ActivateSession command) {
        if (provisioning() && booted) {
            apply(new SessionActivated(sessionId, command.connectionId(), command.clientUrl()));
        }
    }

    @CommandHandler
    public void handle(ScheduleProvisioningRetry command) {
        if (provisioning()) {
            apply(new ProvisioningRetryScheduled(sessionId, command.attempt(), command.reason(), command.retryAt()));
        }
    }

    @CommandHandler
    public void handle(FailSession command, DeadlineManager deadlines) {
        if (provisioning()) {
            apply(new SessionFailed(sessionId, command.reason(), node, vmid, connectionId));
            apply(new AdminAlertRaised(sessionId, "Session " + sessionId + " failed on " + node + ": " + command.reason()));
            deadlines.cancelAllWithinScope(EXPIRY_DEADLINE);
        }
    }

    @CommandHandler
    public SessionStatus handle(EndSession command, DeadlineManager deadlines) {
        if (!command.admin() && !owner.equals(command.requestedBy())) {
            throw DomainException.forbidden("not_session_owner", "Session " + sessionId + " belongs to someone else");
        }
        if (!status.running()) {
            throw DomainException.conflict("session_not_running",
                    "Session " + sessionId + " is " + status.name().toLowerCase(java.util.Locale.ROOT) + " and cannot be ended");
        }
        end(EndReason.ENDED_BY_USER);
        deadlines.cancelAllWithinScope(EXPIRY_DEADLINE);
        return status;
    }

    @DeadlineHandler(deadlineName = EXPIRY_DEADLINE)
    void expire() {
        if (status.running()) {
            end(EndReason.EXPIRED);
        }
    }

    @CommandHandler
    public void handle(RecordVmDestroyed command) {
        if (vmid == null) {
            return;
        }
        apply(new VmDestroyed(sessionId, node, vmid));
        if (status == SessionStatus.ENDING) {
            apply(new SessionEnded(sessionId, endReason));
        }
    }

    @CommandHandler
    public void handle(RaiseAdminAlert command) {
        apply(new AdminAlertRaised(sessionId, command.message()));
    }

    private void end(EndReason reason) {
        apply(new SessionEnding(sessionId, reason, node, vmid, connectionId));
        if (vmid == null) {
            apply(new SessionEnded(sessionId, reason));
        }
    }

    private boolean provisioning() {
        return status == SessionStatus.PROVISIONING;
    }

    @EventSourcingHandler
    void on(SessionRequested event) {
        sessionId = event.sessionId();
        owner = event.userId();
        node = event.node();
        status = SessionStatus.PROVISIONING;
    }

    @EventSourcingHandler
    void on(VmIdReserved event) {
        vmid = event.vmid();
    }

    @EventSourcingHandler
    void on(VmCloned event) {
        cloned = true;
    }

    @EventSourcingHandler
    void on(VmBooted event) {
        booted = true;
    }

    @EventSourcingHandler
    void on(SessionActivated event) {
        status = SessionStatus.ACTIVE;
        connectionId = event.connectionId();
    }

    @EventSourcingHandler
    void on(SessionFailed event) {
        status = SessionStatus.FAILED;
    }

    @EventSourcingHandler
    void on(SessionEnding event) {
        status = SessionStatus.ENDING;
        endReason = event.reason();
    }

    @EventSourcingHandler
    void on(VmDestroyed event) {
        vmid = null;
        cloned = false;
        connectionId = null;
    }

    @EventSourcingHandler
    void on(SessionEnded event) {
        status = event.reason() == EndReason.EXPIRED ? SessionStatus.EXPIRED : SessionStatus.ENDED;
    }
}
