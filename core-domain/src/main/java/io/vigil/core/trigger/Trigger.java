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
        apply(new TriggerCreated(c.triggerId(), c.deviceId(), c.org(), c.type(), c.label(), c.issuedAt(), c.expiresAt()));
    }

    @CommandHandler
    public TriggerState handle(RecordTriggerSent command) {
        if (state == TriggerState.PENDING) {
            apply(new TriggerSent(triggerId, deviceId, command.transport()));
        }
        return state;
    }

    /** Answers the state after the ack, so the device learns whether it still has to capture. */
    @CommandHandler
    public TriggerState handle(AcknowledgeTrigger command) {
        if (!deviceId.equals(command.deviceId())) {
            throw DomainException.notFound("trigger_not_found", "Device '" + command.deviceId() + "' has no trigger '"
                    + triggerId + "'");
        }
        if (command.received() && state.canMoveTo(TriggerState.DELIVERED)) {
            apply(new TriggerDelivered(triggerId, deviceId));
        } else if (!command.received() && state.canMoveTo(TriggerState.FAILED)) {
            String reason = command.reason() == null || command.reason().isBlank() ? "the device gave no reason"
                    : command.reason().length() > 500 ? command.reason().substring(0, 500) : command.reason();
            apply(new TriggerFailed(triggerId, deviceId, reason));
        }
        return state;
    }

    @CommandHandler
    public TriggerState handle(RecordTriggerExecuted command) {
        if (!deviceId.equals(command.deviceId())) {
            throw DomainException.notFound("trigger_not_found", "Device '" + command.deviceId() + "' has no trigger '"
                    + triggerId + "'");
        }
        if (state.canMoveTo(TriggerState.EXECUTED)) {
            apply(new TriggerExecuted(triggerId, deviceId));
        }
        return state;
    }

    @CommandHandler
    public TriggerState handle(ExpireTrigger command) {
        if (state.canMoveTo(TriggerState.EXPIRED)) {
            apply(new TriggerExpired(triggerId, deviceId, state));
        }
        return state;
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
