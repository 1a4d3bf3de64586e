package io.vigil.core.trigger;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.vigil.core.DomainException;
import io.vigil.core.device.DeviceId;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * One capture command to one device. States only move forward; a late or repeated report (an ack after the
 * expiry, a second ack, a re-sent command acknowledged twice) changes nothing and writes no event.
 */
public class Trigger {
    @AggregateIdentifier
    private TriggerId triggerId;
    private DeviceId deviceId;
    private TriggerState state;

    protected Trigger() {
    }

    @CommandHandler
    public Trigger(CreateTrigger c) {
        apply(created(c));
    }

    @CommandHandler
    public TriggerState handle(RecordTriggerSent command) {
        applyIfAny(sent(triggerId, deviceId, state, command.transport()));
        return state;
    }

    /** Answers the state after the ack, so the device learns whether it still has to capture. */
    @CommandHandler
    public TriggerState handle(AcknowledgeTrigger command) {
        applyIfAny(acknowledged(triggerId, deviceId, state, command));
        return state;
    }

    @CommandHandler
    public TriggerState handle(RecordTriggerExecuted command) {
        executed(triggerId, deviceId, state, command.deviceId(), command.captureId()).forEach(Trigger::applyIfAny);
        return state;
    }

    @CommandHandler
    public TriggerState handle(ExpireTrigger command) {
        applyIfAny(expired(triggerId, deviceId, state));
        return state;
    }

    private static void applyIfAny(Object event) {
        if (event != null) {
            apply(event);
        }
    }

    // The rules, as functions of the state: the aggregate applies them, and so does the batch path that appends a
    // whole fleet's steps in one transaction without loading each aggregate. Each answers the event, or null when
    // the report changes nothing.

    public static TriggerCreated created(CreateTrigger c) {
        return new TriggerCreated(c.triggerId(), c.deviceId(), c.org(), c.type(), c.label(), c.issuedAt(), c.expiresAt(),
                c.scheduledFor());
    }

    public static TriggerSent sent(TriggerId triggerId, DeviceId deviceId, TriggerState state, String transport) {
        return state == TriggerState.PENDING ? new TriggerSent(triggerId, deviceId, transport) : null;
    }

    public static Object acknowledged(TriggerId triggerId, DeviceId deviceId, TriggerState state, AcknowledgeTrigger ack) {
        ownedBy(triggerId, deviceId, ack.deviceId());
        if (ack.received()) {
            return state.canMoveTo(TriggerState.DELIVERED) ? new TriggerDelivered(triggerId, deviceId) : null;
        }
        if (!state.canMoveTo(TriggerState.FAILED)) {
            return null;
        }
        String reason = ack.reason() == null || ack.reason().isBlank() ? "the device gave no reason"
                : ack.reason().length() > 500 ? ack.reason().substring(0, 500) : ack.reason();
        return new TriggerFailed(triggerId, deviceId, reason);
    }

    /**
     * A capture for the trigger arrived: executed, and delivered first when the device's ack was lost (a capture
     * proves the command reached it). Empty when the trigger is already closed.
     */
    public static java.util.List<Object> executed(TriggerId triggerId, DeviceId deviceId, TriggerState state,
                                                  DeviceId reporter, io.vigil.core.capture.CaptureId captureId) {
        ownedBy(triggerId, deviceId, reporter);
        if (!state.canMoveTo(TriggerState.EXECUTED)) {
            return java.util.List.of();
        }
        TriggerExecuted executed = new TriggerExecuted(triggerId, deviceId, captureId);
        return state.canMoveTo(TriggerState.DELIVERED)
                ? java.util.List.of(new TriggerDelivered(triggerId, deviceId), executed) : java.util.List.of(executed);
    }

    public static TriggerExpired expired(TriggerId triggerId, DeviceId deviceId, TriggerState state) {
        return state.canMoveTo(TriggerState.EXPIRED) ? new TriggerExpired(triggerId, deviceId, state) : null;
    }

    /** A device reports only on its own triggers; another's is, to it, not found. */
    private static void ownedBy(TriggerId triggerId, DeviceId deviceId, DeviceId reporter) {
        if (!deviceId.equals(reporter)) {
            throw DomainException.notFound("trigger_not_found", "Device '" + reporter + "' has no trigger '" + triggerId + "'");
        }
    }

    @EventSourcingHandler
    void on(TriggerCreated e) {
        triggerId = e.triggerId();
        deviceId = e.deviceId();
        state = TriggerState.PENDING;
    }

    @EventSourcingHandler
    void on(TriggerSent e) {
        state = TriggerState.SENT;
    }

    @EventSourcingHandler
    void on(TriggerDelivered e) {
        state = TriggerState.DELIVERED;
    }

    @EventSourcingHandler
    void on(TriggerFailed e) {
        state = TriggerState.FAILED;
    }

    @EventSourcingHandler
    void on(TriggerExecuted e) {
        state = TriggerState.EXECUTED;
    }

    @EventSourcingHandler
    void on(TriggerExpired e) {
        state = TriggerState.EXPIRED;
    }
}
