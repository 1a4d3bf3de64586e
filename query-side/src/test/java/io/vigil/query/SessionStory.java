package io.vigil.query;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.AdminAlertRaised;
import io.vigil.core.session.EndReason;
import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationReason;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.IdleWarningCancelled;
import io.vigil.core.session.IdleWarningIssued;
import io.vigil.core.session.ProvisioningRetryScheduled;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnded;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.TeardownStarted;
import io.vigil.core.session.VmAbandoned;
import io.vigil.core.session.VmLost;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.SessionResumed;
import io.vigil.core.session.SessionType;
import io.vigil.core.session.VmBooted;
import io.vigil.core.session.VmCloned;
import io.vigil.core.session.VmDestroyed;
import io.vigil.core.session.VmIdReserved;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import io.vigil.platform.axon.ActorCorrelationProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;

/**
 * The events one VM session's aggregate would write, in order, as domain event messages with growing sequence
 * numbers. {@link #last()} is the sequence number of the latest event made.
 */
public final class SessionStory {
    public static final TemplateSpec UBUNTU = new TemplateSpec("Ubuntu 22.04", OsType.LINUX, Protocol.SSH, 9000,
            4, 4096, 50, List.of("linux"), true);
    public final SessionId id = SessionId.generate();
    public final String user;
    public final NodeName node;
    public final Instant requestedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    public final Instant expiresAt = requestedAt.plus(Duration.ofMinutes(60));
    private long sequence = -1;
    private Integer vmid;
    private String connectionId;

    public SessionStory(String user, String node) {
        this.user = user;
        this.node = new NodeName(node);
    }

    public SessionStory(String user) {
        this(user, "pve-1");
    }

    public String id() {
        return id.value();
    }

    public long last() {
        return sequence;
    }

    public DomainEventMessage<SessionRequested> requested() {
        return next(new SessionRequested(id, new UserId(user), new TemplateId("ubuntu-22-04"), UBUNTU, node, 60,
                SessionType.EPHEMERAL, requestedAt, expiresAt, node, "expiry-" + id, null));
    }

    public DomainEventMessage<VmIdReserved> reserved(int newVmid) {
        vmid = newVmid;
        return next(new VmIdReserved(id, node, newVmid));
    }

    public DomainEventMessage<VmCloned> cloned() {
        return next(new VmCloned(id, node, vmid));
    }

    public DomainEventMessage<VmBooted> booted(String guestAddress) {
        return next(new VmBooted(id, guestAddress));
    }

    public DomainEventMessage<SessionActivated> activated(String connectionId, String clientUrl) {
        this.connectionId = connectionId;
        return next(new SessionActivated(id, connectionId, clientUrl));
    }

    public DomainEventMessage<IdleWarningIssued> idleWarning(Instant idleSince, Instant hibernatesAt) {
        return next(new IdleWarningIssued(id, idleSince, hibernatesAt, "idle-" + id));
    }

    public DomainEventMessage<IdleWarningCancelled> idleWarningCancelled() {
        return next(new IdleWarningCancelled(id, Instant.now()));
    }

    public DomainEventMessage<HibernationStarted> hibernating(HibernationReason reason) {
        return next(new HibernationStarted(id, reason, node, vmid, connectionId, null));
    }

    public DomainEventMessage<SessionHibernated> hibernated() {
        connectionId = null;
        return next(new SessionHibernated(id, node, vmid));
    }

    public DomainEventMessage<HibernationFailed> hibernationFailed(String reason) {
        return next(new HibernationFailed(id, reason, FailureCode.HIBERNATION_FAILED));
    }

    public DomainEventMessage<ResumeStarted> resuming() {
        return next(new ResumeStarted(id, node, vmid, UBUNTU.protocol()));
    }

    public DomainEventMessage<SessionResumed> resumed(String newConnectionId, String clientUrl) {
        connectionId = newConnectionId;
        return next(new SessionResumed(id, newConnectionId, clientUrl));
    }

    public DomainEventMessage<ResumeFailed> resumeFailed(String reason) {
        return next(new ResumeFailed(id, reason, FailureCode.RESUME_TIMED_OUT));
    }

    public DomainEventMessage<ProvisioningRetryScheduled> retry(int attempt, String reason) {
        return next(new ProvisioningRetryScheduled(id, attempt, reason, Instant.now().plusSeconds(10)));
    }

    public DomainEventMessage<SessionFailed> failed(String reason) {
        return failed(FailureCode.CLONE_FAILED, reason);
    }

    public DomainEventMessage<SessionFailed> failed(FailureCode code, String reason) {
        return next(new SessionFailed(id, reason, node, vmid, null, code));
    }

    public DomainEventMessage<VmLost> lost(String detail) {
        return next(new VmLost(id, node, vmid, detail));
    }

    public DomainEventMessage<TeardownStarted> teardown() {
        return next(new TeardownStarted(id, node, vmid, connectionId, null, false, null, new UserId(user),
                new TemplateId("ubuntu-22-04"), UBUNTU));
    }

    public DomainEventMessage<VmAbandoned> abandoned(String detail) {
        return next(new VmAbandoned(id, node, vmid, detail));
    }

    public DomainEventMessage<AdminAlertRaised> alert(String message) {
        return next(new AdminAlertRaised(id, message));
    }

    public DomainEventMessage<SessionEnding> ending(EndReason reason) {
        return next(new SessionEnding(id, reason, node, vmid, "conn-" + id));
    }

    public DomainEventMessage<VmDestroyed> destroyed() {
        return next(new VmDestroyed(id, node, vmid));
    }

    public DomainEventMessage<SessionEnded> ended(EndReason reason) {
        return next(new SessionEnded(id, reason));
    }

    private <T> DomainEventMessage<T> next(T payload) {
        sequence++;
        return new GenericDomainEventMessage<>("VmSession", id.value(), sequence, payload,
                MetaData.with(ActorCorrelationProvider.USER_ID, user));
    }
}
