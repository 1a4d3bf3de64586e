package io.vigil.core.session;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.vigil.core.DomainException;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.Protocol;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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
    public static final String IDLE_DEADLINE = "idle-hibernation";

    /**
     * The session id's text. A persistent deadline stores the aggregate's identifier in its scope; a String comes
     * back from that round trip as itself, a SessionId record as a map that no longer finds the aggregate.
     */
    @AggregateIdentifier
    private String id;
    private SessionId sessionId;
    private UserId owner;
    private SessionStatus status;
    private NodeName node;
    private Protocol protocol;
    private boolean idleWarned;
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
        checkOwner(command.requestedBy(), command.admin());
        if (!status.live()) {
            throw DomainException.conflict("session_not_running",
                    "Session " + sessionId + " is " + statusName() + " and cannot be ended");
        }
        end(EndReason.ENDED_BY_USER);
        deadlines.cancelAllWithinScope(EXPIRY_DEADLINE);
        deadlines.cancelAllWithinScope(IDLE_DEADLINE);
        return status;
    }

    /**
     * Expiry does not wait for a hibernating session to come back: its VM is deleted from disk then. A pending
     * idle deadline may still fire afterwards; it finds the session no longer active and does nothing.
     */
    @DeadlineHandler(deadlineName = EXPIRY_DEADLINE)
    void expire() {
        if (status.live()) {
            end(EndReason.EXPIRED);
        }
    }

    // Idle → warning → hibernation. The sweep that watches activity only observes; the aggregate decides, and
    // the hibernation itself waits on a persistent deadline, so it happens on time even across a restart.

    @CommandHandler
    public void handle(WarnIdle command, DeadlineManager deadlines) {
        if (status == SessionStatus.ACTIVE && !idleWarned) {
            apply(new IdleWarningIssued(sessionId, command.idleSince(), command.hibernatesAt()));
            deadlines.schedule(command.hibernatesAt(), IDLE_DEADLINE);
        }
    }

    @CommandHandler
    public void handle(RecordActivity command, DeadlineManager deadlines) {
        if (status == SessionStatus.ACTIVE && idleWarned) {
            apply(new IdleWarningCancelled(sessionId, command.at()));
            deadlines.cancelAllWithinScope(IDLE_DEADLINE);
        }
    }

    @DeadlineHandler(deadlineName = IDLE_DEADLINE)
    void hibernateIdle() {
        if (status == SessionStatus.ACTIVE && idleWarned) {
            apply(new HibernationStarted(sessionId, HibernationReason.IDLE, node, vmid, connectionId));
        }
    }

    @CommandHandler
    public SessionStatus handle(HibernateSession command, DeadlineManager deadlines) {
        checkOwner(command.requestedBy(), command.admin());
        if (status == SessionStatus.SUSPENDING || status == SessionStatus.HIBERNATING) {
            return status;
        }
        if (status != SessionStatus.ACTIVE) {
            throw DomainException.conflict("session_not_active",
                    "Session " + sessionId + " is " + statusName() + "; only an active session can hibernate");
        }
        apply(new HibernationStarted(sessionId, HibernationReason.REQUESTED, node, vmid, connectionId));
        deadlines.cancelAllWithinScope(IDLE_DEADLINE);
        return status;
    }

    @CommandHandler
    public void handle(RecordVmHibernated command) {
        if (status == SessionStatus.SUSPENDING) {
            apply(new SessionHibernated(sessionId, node, vmid));
        }
    }

    @CommandHandler
    public void handle(FailHibernation command) {
        if (status == SessionStatus.SUSPENDING) {
            apply(new HibernationFailed(sessionId, command.reason()));
            apply(new AdminAlertRaised(sessionId, "Session " + sessionId + " could not hibernate VM " + vmid + " on "
                    + node + " and stays active: " + command.reason()));
        }
    }

    /**
     * One resume at a time: a second request while the first runs joins it (same answer, nothing recorded); a
     * resume is admitted against the owner's quota like a new session, since the VM takes its RAM back.
     */
    @CommandHandler
    public SessionStatus handle(AdmitResume command) {
        checkOwner(command.request().requestedBy(), command.request().admin());
        if (status == SessionStatus.RESUMING) {
            return status;
        }
        if (status != SessionStatus.HIBERNATING) {
            throw DomainException.conflict("session_not_hibernating",
                    "Session " + sessionId + " is " + statusName() + "; only a hibernating session can be resumed");
        }
        SessionQuota.check(command.runningSessions(), command.quota());
        apply(new ResumeStarted(sessionId, node, vmid, protocol));
        return status;
    }

    @CommandHandler
    public void handle(CompleteResume command) {
        if (status == SessionStatus.RESUMING) {
            apply(new SessionResumed(sessionId, command.connectionId(), command.clientUrl()));
        }
    }

    @CommandHandler
    public void handle(FailResume command) {
        if (status == SessionStatus.RESUMING) {
            apply(new ResumeFailed(sessionId, command.reason()));
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

    private void checkOwner(UserId user, boolean admin) {
        if (!admin && !owner.equals(user)) {
            throw DomainException.forbidden("not_session_owner", "Session " + sessionId + " belongs to someone else");
        }
    }

    private String statusName() {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private boolean provisioning() {
        return status == SessionStatus.PROVISIONING;
    }

    @EventSourcingHandler
    void on(SessionRequested event) {
        id = event.sessionId().value();
        sessionId = event.sessionId();
        owner = event.userId();
        node = event.node();
        protocol = event.template().protocol();
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
    void on(IdleWarningIssued event) {
        idleWarned = true;
    }

    @EventSourcingHandler
    void on(IdleWarningCancelled event) {
        idleWarned = false;
    }

    @EventSourcingHandler
    void on(HibernationStarted event) {
        status = SessionStatus.SUSPENDING;
        idleWarned = false;
    }

    @EventSourcingHandler
    void on(SessionHibernated event) {
        status = SessionStatus.HIBERNATING;
        connectionId = null;
    }

    @EventSourcingHandler
    void on(HibernationFailed event) {
        status = SessionStatus.ACTIVE;
    }

    @EventSourcingHandler
    void on(ResumeStarted event) {
        status = SessionStatus.RESUMING;
    }

    @EventSourcingHandler
    void on(SessionResumed event) {
        status = SessionStatus.ACTIVE;
        connectionId = event.connectionId();
    }

    @EventSourcingHandler
    void on(ResumeFailed event) {
        status = SessionStatus.HIBERNATING;
    }

    @EventSourcingHandler
    void on(SessionFailed event) {
        status = SessionStatus.FAILED;
    }

    @EventSourcingHandler
    void on(SessionEnding event) {
        status = SessionStatus.ENDING;
        idleWarned = false;
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
