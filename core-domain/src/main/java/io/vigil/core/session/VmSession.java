package io.vigil.core.session;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.vigil.core.DomainException;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateScopeDescriptor;

/**
 * One user's lab VM session, from request to its end. It decides (quota, lifecycle, ownership) and records what
 * the sagas report; it never talks to Proxmox or Guacamole.
 * <p>
 * One saga at a time acts on the session's VM: provisioning, hibernation or resume while the session is in that
 * state, teardown after {@link TeardownStarted}. A session that ends while another saga works is {@code ENDING}
 * first; the working saga stops and hands the VM over ({@link HandOverTeardown}), so teardown never races it.
 * Deadlines are cancelled by the id {@code schedule} returned, kept in the events.
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
    private SessionType sessionType;
    private KeptVmSource source;
    private TemplateId templateId;
    private TemplateSpec template;
    private NodeName node;
    private Protocol protocol;
    private boolean idleWarned;
    private String idleDeadline;
    private String expiryDeadline;
    private Integer vmid;
    private boolean cloned;
    private boolean booted;
    private String connectionId;
    private EndReason endReason;
    private boolean teardownStarted;
    /** Teardown gave up on the session's Guacamole connection: told once, however often it reports it. */
    private boolean connectionAbandoned;
    /** Requested before this version (no expiry deadline id in its first event): its teardown may predate TeardownStarted. */
    private boolean olderVersion;

    protected VmSession() {
    }

    @CommandHandler
    public VmSession(AdmitSession command, DeadlineManager deadlines) {
        RequestSession request = command.request();
        if (!command.template().active() && command.source() == null) {
            throw DomainException.conflict("template_inactive",
                    "Template '" + command.template().name() + "' is not offered at the moment");
        }
        SessionQuota.check(command.runningSessions(), command.quota());
        Instant expiresAt = command.requestedAt().plus(Duration.ofMinutes(request.durationMinutes()));
        // The aggregate has no identifier before its first event, so the expiry deadline names its scope itself.
        String expiry = deadlines.schedule(expiresAt, EXPIRY_DEADLINE, null,
                new AggregateScopeDescriptor(VmSession.class.getSimpleName(), command.sessionId().value()));
        apply(new SessionRequested(command.sessionId(), request.userId(), request.templateId(), command.template(),
                command.node(), request.durationMinutes(), request.sessionType(), command.requestedAt(), expiresAt,
                command.templateNode(), expiry, command.source()));
    }

    // The saga's reports. A report that no longer fits (the session ended meanwhile, or it is a repeat after a
    // redelivery) is ignored rather than refused: refusing would roll back the saga's transaction and make it
    // retry something that can never succeed. A working saga's last report (activated, failed, hibernated,
    // resumed, lost) that arrives after the session began ending is that saga's hand-over: it stops acting.

    @CommandHandler
    public void handle(ReserveVmId command) {
        if (provisioning() && !cloned && source == null) {
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
        if (handedOverAtEnd(null)) {
            return;
        }
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

    /** Sent by the provisioning saga itself, which stops acting: teardown may start at once. */
    @CommandHandler
    public void handle(FailSession command, DeadlineManager deadlines) {
        if (handedOverAtEnd(null)) {
            return;
        }
        if (provisioning()) {
            apply(new SessionFailed(sessionId, command.detail(), node, vmid, connectionId, command.code()));
            apply(new AdminAlertRaised(sessionId, "Session " + sessionId + " failed on " + node + " ("
                    + command.code().wire() + "): " + command.detail()));
            cancel(deadlines, EXPIRY_DEADLINE, expiryDeadline);
            startTeardown(null);
        }
    }

    @CommandHandler
    public SessionStatus handle(EndSession command, DeadlineManager deadlines) {
        checkOwner(command.requestedBy(), command.admin());
        if (!status.live()) {
            throw DomainException.conflict("session_not_running",
                    "Session " + sessionId + " is " + statusName() + " and cannot be ended");
        }
        cancel(deadlines, EXPIRY_DEADLINE, expiryDeadline);
        end(EndReason.ENDED_BY_USER, false, deadlines);
        return status;
    }

    /**
     * Expiry does not wait for a hibernating session to come back: its VM is deleted from disk then. A pending
     * idle deadline is cancelled; one that fires anyway finds the session no longer active and does nothing.
     */
    @DeadlineHandler(deadlineName = EXPIRY_DEADLINE)
    void expire() {
        if (status.live()) {
            end(EndReason.EXPIRED, false, null);
        }
    }

    /**
     * The working saga stopped for the end: the VM is teardown's now. A repeat is ignored. A session failed by an
     * older version (whose teardown started without {@link TeardownStarted}) is handed over the same way.
     */
    @CommandHandler
    public void handle(HandOverTeardown command) {
        if ((status == SessionStatus.ENDING || status == SessionStatus.FAILED) && !teardownStarted) {
            startTeardown(command.pendingTask());
        }
    }

    /**
     * The VM disappeared outside Vigil: found by the reconciler in a session no saga works on (active,
     * hibernating), or by the saga that works on it (hibernation, resume), which then stops. Either way nothing
     * else acts on the VM, so teardown (of the connection, if any) may start at once. The reconciler's report is
     * ignored once a saga works on the session (it looked before that saga began), and a saga's once it is not
     * the one working.
     */
    @CommandHandler
    public void handle(RecordVmLost command, DeadlineManager deadlines) {
        boolean applies = command.byWorkingSaga()
                ? status == SessionStatus.SUSPENDING || status == SessionStatus.RESUMING || endingWithoutTeardown()
                : status == SessionStatus.ACTIVE || status == SessionStatus.HIBERNATING;
        if (vmid == null || !applies) {
            return;
        }
        String alert = "VM " + vmid + " of session " + sessionId + " on " + node
                + " is gone from the cluster; the session is ended: " + command.detail();
        apply(new VmLost(sessionId, node, vmid, command.detail()));
        apply(new AdminAlertRaised(sessionId, alert));
        if (status == SessionStatus.ENDING) {
            startTeardown(null);
            return;
        }
        cancel(deadlines, EXPIRY_DEADLINE, expiryDeadline);
        end(EndReason.VM_LOST, true, deadlines);
    }

    /** Teardown gave up: the session is over all the same, and the VM is the reconciler's. */
    @CommandHandler
    public void handle(AbandonVm command) {
        if (!teardownReports() || vmid == null) {
            return;
        }
        String alert = "Teardown of session " + sessionId + " gave up on VM " + vmid + " on " + node + " ("
                + command.detail() + "); the reconciler removes it";
        apply(new VmAbandoned(sessionId, node, vmid, command.detail()));
        apply(new AdminAlertRaised(sessionId, alert));
        endIfEnding();
    }

    /**
     * Teardown gave up on the Guacamole connection and goes on with the VM; the session is not over yet. The
     * connection is named for the session, so the reconciler removes it once the session no longer holds it. A
     * repeat (teardown reporting again after a crash) records nothing.
     */
    @CommandHandler
    public void handle(AbandonConnection command) {
        if (!teardownReports() || connectionAbandoned) {
            return;
        }
        String what = command.connectionId() != null
                ? "its Guacamole connection " + command.connectionId() + " (" + sessionId.vmName() + ")"
                : "looking for a Guacamole connection named " + sessionId.vmName();
        apply(new ConnectionAbandoned(sessionId, command.connectionId(), sessionId.vmName(), command.detail()));
        apply(new AdminAlertRaised(sessionId, "Teardown of session " + sessionId + " gave up on " + what + " ("
                + command.detail() + "); the reconciler removes it once the session is over"));
    }

    @CommandHandler
    public void handle(RecordVmKept command) {
        if (!teardownReports() || vmid == null) {
            return;
        }
        apply(new SessionVmKept(sessionId, node, vmid, command.keptVmId()));
        endIfEnding();
    }

    @CommandHandler
    public void handle(RecordVmDestroyed command) {
        if (!teardownReports()) {
            return;
        }
        if (vmid != null) {
            apply(new VmDestroyed(sessionId, node, vmid));
        }
        endIfEnding();
    }

    // Idle → warning → hibernation. The sweep that watches activity only observes; the aggregate decides, and
    // the hibernation itself waits on a persistent deadline, so it happens on time even across a restart.

    @CommandHandler
    public void handle(WarnIdle command, DeadlineManager deadlines) {
        if (status == SessionStatus.ACTIVE && !idleWarned) {
            String deadline = deadlines.schedule(command.hibernatesAt(), IDLE_DEADLINE);
            apply(new IdleWarningIssued(sessionId, command.idleSince(), command.hibernatesAt(), deadline));
        }
    }

    @CommandHandler
    public void handle(RecordActivity command, DeadlineManager deadlines) {
        if (status == SessionStatus.ACTIVE && idleWarned) {
            cancel(deadlines, IDLE_DEADLINE, idleDeadline);
            apply(new IdleWarningCancelled(sessionId, command.at()));
        }
    }

    @DeadlineHandler(deadlineName = IDLE_DEADLINE)
    void hibernateIdle() {
        if (status == SessionStatus.ACTIVE && idleWarned) {
            apply(new HibernationStarted(sessionId, HibernationReason.IDLE, node, vmid, connectionId, null));
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
        cancel(deadlines, IDLE_DEADLINE, idleDeadline);
        apply(new HibernationStarted(sessionId, HibernationReason.REQUESTED, node, vmid, connectionId, null));
        return status;
    }

    @CommandHandler
    public void handle(RecordVmHibernated command) {
        if (handedOverAtEnd(null)) {
            return;
        }
        if (status == SessionStatus.SUSPENDING) {
            apply(new SessionHibernated(sessionId, node, vmid));
        }
    }

    @CommandHandler
    public void handle(FailHibernation command) {
        if (handedOverAtEnd(null)) {
            return;
        }
        if (status == SessionStatus.SUSPENDING) {
            apply(new HibernationFailed(sessionId, command.detail(), command.code()));
            apply(new AdminAlertRaised(sessionId, "Session " + sessionId + " could not hibernate VM " + vmid + " on "
                    + node + " and stays active: " + command.detail()));
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
        if (handedOverAtEnd(null)) {
            return;
        }
        if (status == SessionStatus.RESUMING) {
            apply(new SessionResumed(sessionId, command.connectionId(), command.clientUrl()));
        }
    }

    /**
     * The resume gave up within its clock. The session is told at once; a VM that started (or may still start)
     * goes back to disk through a hibernation, which from now on is the one saga acting on it.
     */
    @CommandHandler
    public void handle(FailResume command) {
        if (handedOverAtEnd(command.pendingTask())) {
            return;
        }
        if (status == SessionStatus.RESUMING) {
            apply(new ResumeFailed(sessionId, command.detail(), command.code()));
            if (command.suspendAgain()) {
                apply(new HibernationStarted(sessionId, HibernationReason.RESUME_FAILED, node, vmid, connectionId,
                        command.pendingTask()));
            }
        }
    }

    @CommandHandler
    public void handle(RaiseAdminAlert command) {
        apply(new AdminAlertRaised(sessionId, command.message()));
    }

    /**
     * The session is over for its user. Teardown starts now unless a saga still works on the VM (provisioning,
     * suspending, resuming) and is not the one ending it: that saga hands over when it sees the end.
     */
    private void end(EndReason reason, boolean byWorkingSaga, DeadlineManager deadlines) {
        boolean sagaWorking = status == SessionStatus.PROVISIONING || status == SessionStatus.SUSPENDING
                || status == SessionStatus.RESUMING;
        cancel(deadlines, IDLE_DEADLINE, idleDeadline);
        apply(new SessionEnding(sessionId, reason, node, vmid, connectionId));
        if (!sagaWorking || byWorkingSaga || vmid == null) {
            // Without a VMID nothing was cloned (the VMID is recorded before the clone), and a report the
            // provisioning saga still sends is ignored from now on.
            startTeardown(null);
        }
    }

    /**
     * A working saga's last report after the end began: that saga stops, so teardown takes the VM now (waiting for
     * {@code pendingTask} first). Answers whether it was such a report.
     */
    private boolean handedOverAtEnd(String pendingTask) {
        if (!endingWithoutTeardown()) {
            return false;
        }
        startTeardown(pendingTask);
        return true;
    }

    private boolean endingWithoutTeardown() {
        return status == SessionStatus.ENDING && !teardownStarted;
    }

    /**
     * Whether teardown's reports count: after {@link TeardownStarted}, or, for a session of an older version,
     * from the teardown that version started for an ending or failed session without that event (it was upgraded
     * mid-teardown). A session of this version that is ending without it still has its working saga.
     */
    private boolean teardownReports() {
        return teardownStarted
                || olderVersion && (status == SessionStatus.ENDING || status == SessionStatus.FAILED);
    }

    /**
     * A kept VM's session always has teardown run, even with its VM lost: the kept VM is then recorded as gone.
     * A persistent session's own VM is kept only if it booted: a clone that never ran holds nothing of the user's.
     */
    private void startTeardown(String pendingTask) {
        if (vmid == null && connectionId == null && source == null) {
            endIfEnding();
            return;
        }
        boolean keep = vmid != null && endReason != EndReason.VM_LOST
                && (source != null || (sessionType == SessionType.PERSISTENT && booted && status != SessionStatus.FAILED));
        apply(new TeardownStarted(sessionId, node, vmid, connectionId, pendingTask, keep,
                source == null ? null : source.keptVmId(), owner, templateId, template));
    }

    private void endIfEnding() {
        if (status == SessionStatus.ENDING) {
            apply(new SessionEnded(sessionId, endReason));
        }
    }

    /** {@code deadlines} is null inside a deadline handler (none is injected there): a stale deadline is harmless. */
    private static void cancel(DeadlineManager deadlines, String name, String scheduleId) {
        if (deadlines != null && scheduleId != null) {
            deadlines.cancelSchedule(name, scheduleId);
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
        templateId = event.templateId();
        template = event.template();
        sessionType = event.sessionType();
        source = event.source();
        expiryDeadline = event.expiryDeadlineId();
        olderVersion = event.expiryDeadlineId() == null;
        status = SessionStatus.PROVISIONING;
        if (source != null) {
            // the kept VM is the session's from the start; it counts as cloned once the saga renamed it
            vmid = source.vmid();
        }
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
        idleDeadline = event.deadlineId();
    }

    @EventSourcingHandler
    void on(IdleWarningCancelled event) {
        idleWarned = false;
        idleDeadline = null;
    }

    @EventSourcingHandler
    void on(HibernationStarted event) {
        status = SessionStatus.SUSPENDING;
        idleWarned = false;
        idleDeadline = null;
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
        expiryDeadline = null;
    }

    @EventSourcingHandler
    void on(SessionEnding event) {
        status = SessionStatus.ENDING;
        idleWarned = false;
        idleDeadline = null;
        expiryDeadline = null;
        endReason = event.reason();
    }

    @EventSourcingHandler
    void on(TeardownStarted event) {
        teardownStarted = true;
    }

    /** The connection, if any, is still there: teardown removes it. */
    @EventSourcingHandler
    void on(VmLost event) {
        vmid = null;
        cloned = false;
    }

    @EventSourcingHandler
    void on(ConnectionAbandoned event) {
        connectionAbandoned = true;
        connectionId = null;
    }

    @EventSourcingHandler
    void on(VmAbandoned event) {
        vmGone();
    }

    @EventSourcingHandler
    void on(SessionVmKept event) {
        vmGone();
    }

    @EventSourcingHandler
    void on(VmDestroyed event) {
        vmGone();
    }

    private void vmGone() {
        vmid = null;
        cloned = false;
        connectionId = null;
    }

    @EventSourcingHandler
    void on(SessionEnded event) {
        status = event.reason() == EndReason.EXPIRED ? SessionStatus.EXPIRED : SessionStatus.ENDED;
    }
}
