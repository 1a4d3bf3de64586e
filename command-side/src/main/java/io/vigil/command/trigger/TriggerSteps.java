package io.vigil.command.trigger;

import io.vigil.core.DomainException;
import io.vigil.core.capture.CaptureId;
import io.vigil.core.capture.CaptureUploaded;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.AcknowledgeTrigger;
import io.vigil.core.trigger.ExpireTrigger;
import io.vigil.core.trigger.RecordTriggerExecuted;
import io.vigil.core.trigger.RecordTriggerSent;
import io.vigil.core.trigger.Trigger;
import io.vigil.core.trigger.TriggerDelivered;
import io.vigil.core.trigger.TriggerExecuted;
import io.vigil.core.trigger.TriggerExpired;
import io.vigil.core.trigger.TriggerFailed;
import io.vigil.core.trigger.TriggerId;
import io.vigil.core.trigger.TriggerSent;
import io.vigil.core.trigger.TriggerState;
import io.vigil.platform.axon.ActorCorrelationProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The steps of a whole fleet's triggers (sent, acknowledged, executed, expired), appended in batches: whatever
 * arrives within a few milliseconds is applied in one transaction, under the {@code trigger_inflight} rows' locks,
 * with the aggregate's own rules ({@link Trigger#sent} and the others) and the sequence numbers the ledger keeps, so
 * no aggregate is loaded. One command and one transaction per step would cap a fleet at what one append costs
 * (docs/decisions/0007). A step for a trigger no longer in flight, or a batch that fails (a concurrent append to one
 * of its triggers), falls back to one command per step, which loads the aggregate and applies the same rules.
 */
@Component
public class TriggerSteps implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(TriggerSteps.class);
    private static final int MAX_BATCH = 1000;
    private static final Duration LINGER = Duration.ofMillis(5);

    private final JdbcTemplate jdbc;
    private final EventStore events;
    private final TransactionManager transactions;
    private final CommandGateway commands;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile Thread worker;
    private volatile boolean running;

    public TriggerSteps(JdbcTemplate jdbc, EventStore events, TransactionManager transactions, CommandGateway commands) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = transactions;
        this.commands = commands;
    }

    /** A step of one trigger. */
    public sealed interface Step {
        TriggerId triggerId();

        /** The same step as a command, for the fallback. */
        Object command();

        /** Who caused it, for the event's metadata. */
        String actor();
    }

    public record Sent(TriggerId triggerId, String transport) implements Step {
        public Object command() {
            return new RecordTriggerSent(triggerId, transport);
        }

        public String actor() {
            return "system";
        }
    }

    public record Ack(TriggerId triggerId, DeviceId deviceId, boolean received, String reason) implements Step {
        public Object command() {
            return new AcknowledgeTrigger(triggerId, deviceId, received, reason);
        }

        public String actor() {
            return "device:" + deviceId;
        }
    }

    public record Executed(TriggerId triggerId, DeviceId deviceId, CaptureId captureId) implements Step {
        public Object command() {
            return new RecordTriggerExecuted(triggerId, deviceId, captureId);
        }

        public String actor() {
            return "device:" + deviceId;
        }
    }

    /**
     * A capture uploaded, appended with its trigger's steps (delivered if the ack was lost, executed) in one
     * transaction; {@code triggerId} null for a capture the device took on its own. Completes with the trigger's
     * state after it (null for an unsolicited capture), or fails with why the trigger cannot take a capture.
     */
    public record Upload(CaptureUploaded capture) implements Step {
        public TriggerId triggerId() {
            return capture.triggerId();
        }

        public Object command() {
            throw new UnsupportedOperationException("an upload is only appended in a batch");
        }

        public String actor() {
            return "device:" + capture.deviceId();
        }
    }

    public record Expire(TriggerId triggerId) implements Step {
        public Object command() {
            return new ExpireTrigger(triggerId);
        }

        public String actor() {
            return "system";
        }
    }

    /** Applies the step with the next batch; completes with the trigger's state after it (or the refusal). */
    public CompletableFuture<TriggerState> submit(Step step) {
        Pending pending = new Pending(step, new CompletableFuture<>());
        if (!running) {
            // stopping (or not yet started): the caller's request is refused as the service being unavailable
            pending.result().completeExceptionally(DomainException.unavailable("unavailable",
                    "This service is stopping; try again on another instance or in a moment"));
            return pending.result();
        }
        queue.add(pending);
        return pending.result();
    }

    private void work() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long until = System.nanoTime() + LINGER.toNanos();
                while (batch.size() < MAX_BATCH) {
                    Pending next = queue.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                apply(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                log.warn("A batch of {} trigger steps failed; each is applied on its own: {}", batch.size(), e.toString());
                batch.stream().filter(p -> !p.result().isDone()).forEach(this::alone);
            } finally {
                batch.clear();
            }
        }
    }

    /** One transaction for the batch; steps of triggers no longer in flight go alone, after it. */
    void apply(List<Pending> batch) {
        List<Pending> alone = new ArrayList<>();
        Map<Pending, TriggerState> done = new HashMap<>();
        UnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        uow.attachTransaction(transactions);
        ResultMessage<?> result = uow.executeWithResult(() -> {
            String[] ids = batch.stream().map(p -> p.step().triggerId()).filter(java.util.Objects::nonNull)
                    .map(TriggerId::value).distinct().toArray(String[]::new);
            Map<String, Row> rows = new HashMap<>();
            jdbc.query("""
                            SELECT trigger_id, device_id, state, last_seq FROM trigger_inflight
                            WHERE trigger_id = ANY(?) ORDER BY trigger_id FOR UPDATE""",
                    rs -> {
                        rows.put(rs.getString(1), new Row(new DeviceId(rs.getString(2)),
                                TriggerState.valueOf(rs.getString(3)), rs.getLong(4)));
                    }, (Object) ids);
            List<EventMessage<?>> appended = new ArrayList<>();
            for (Pending p : batch) {
                Step step = p.step();
                if (step instanceof Upload u && u.triggerId() == null) {
                    appended.add(captureEvent(u));
                    done.put(p, null);
                    continue;
                }
                Row row = rows.get(step.triggerId().value());
                if (row == null || !reportsOnOwn(step, row) || (step instanceof Upload && row.state.terminal())) {
                    alone.add(p);
                    continue;
                }
                if (step instanceof Upload u) {
                    appended.add(captureEvent(u));
                }
                for (Object event : events(step, row)) {
                    row.seq++;
                    row.state = stateAfter(event, row.state);
                    appended.add(new GenericDomainEventMessage<>("Trigger", step.triggerId().value(), row.seq, event,
                            MetaData.with(ActorCorrelationProvider.USER_ID, step.actor())
                                    .and(ActorCorrelationProvider.CORRELATION_ID, step.triggerId().value())));
                }
                done.put(p, row.state);
            }
            events.publish(appended);
            return appended.size();
        });
        if (result.isExceptional()) {
            Throwable e = result.exceptionResult();
            if (batch.size() == 1 && batch.get(0).step() instanceof Upload) {
                // an upload alone that fails (a repeat that raced its first, the database) fails for its caller
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            // a step the rules refuse (another device's trigger) fails alone; anything else retries alone
            log.debug("Trigger step batch of {} rolled back ({}); applying each alone", batch.size(), e.toString());
            batch.forEach(this::alone);
            return;
        }
        done.forEach((p, state) -> p.result().complete(state));
        alone.forEach(this::alone);
    }

    /** The step's events on the trigger, by the aggregate's rules (none when it changes nothing). */
    private static List<Object> events(Step step, Row row) {
        if (step instanceof Executed x) {
            return Trigger.executed(x.triggerId(), row.deviceId, row.state, x.deviceId(), x.captureId());
        }
        if (step instanceof Upload u) {
            return Trigger.executed(u.triggerId(), row.deviceId, row.state, u.capture().deviceId(),
                    u.capture().captureId());
        }
        Object event;
        if (step instanceof Sent s) {
            event = Trigger.sent(s.triggerId(), row.deviceId, row.state, s.transport());
        } else if (step instanceof Ack a) {
            event = Trigger.acknowledged(a.triggerId(), row.deviceId, row.state,
                    new AcknowledgeTrigger(a.triggerId(), a.deviceId(), a.received(), a.reason()));
        } else {
            event = Trigger.expired(step.triggerId(), row.deviceId, row.state);
        }
        return event == null ? List.of() : List.of(event);
    }

    /** A new capture's first event; correlated with its trigger, so one trigger's story reads as one. */
    private static EventMessage<?> captureEvent(Upload u) {
        CaptureUploaded e = u.capture();
        return new GenericDomainEventMessage<>("Capture", e.captureId().value(), 0, e,
                MetaData.with(ActorCorrelationProvider.USER_ID, u.actor()).and(ActorCorrelationProvider.CORRELATION_ID,
                        e.triggerId() == null ? e.captureId().value() : e.triggerId().value()));
    }

    /** A device reporting on a trigger that is not its own goes alone, to be refused without failing the batch. */
    private static boolean reportsOnOwn(Step step, Row row) {
        DeviceId reporter = step instanceof Ack a ? a.deviceId() : step instanceof Executed x ? x.deviceId()
                : step instanceof Upload u ? u.capture().deviceId() : row.deviceId;
        return reporter.equals(row.deviceId);
    }

    private static TriggerState stateAfter(Object event, TriggerState before) {
        if (event instanceof TriggerSent) {
            return TriggerState.SENT;
        }
        if (event instanceof TriggerDelivered) {
            return TriggerState.DELIVERED;
        }
        if (event instanceof TriggerFailed) {
            return TriggerState.FAILED;
        }
        if (event instanceof TriggerExecuted) {
            return TriggerState.EXECUTED;
        }
        return event instanceof TriggerExpired ? TriggerState.EXPIRED : before;
    }

    /** Never throws: whatever happens completes the step's future, so one bad step cannot stop the worker. */
    private void alone(Pending p) {
        if (p.step() instanceof Upload u) {
            try {
                uploadAlone(p, u);
            } catch (RuntimeException e) {
                p.result().completeExceptionally(e);
            }
            return;
        }
        try {
            TriggerState state = commands.sendAndWait(GenericCommandMessage.asCommandMessage(p.step().command())
                    .andMetaData(MetaData.with(ActorCorrelationProvider.USER_ID, p.step().actor())
                            .and(ActorCorrelationProvider.CORRELATION_ID, p.step().triggerId().value())));
            p.result().complete(state);
        } catch (RuntimeException e) {
            p.result().completeExceptionally(e);
        }
    }

    /**
     * An upload whose trigger was not in flight in its batch, or whose batch failed: in a transaction of its own if
     * the trigger is still in flight, else refused with what became of the trigger.
     */
    private void uploadAlone(Pending p, Upload u) {
        if (u.triggerId() == null) {
            apply(List.of(p));
            return;
        }
        List<Map<String, Object>> inflight = jdbc.queryForList(
                "SELECT device_id FROM trigger_inflight WHERE trigger_id = ?", u.triggerId().value());
        if (!inflight.isEmpty() && u.capture().deviceId().value().equals(inflight.get(0).get("device_id"))) {
            apply(List.of(p));
            return;
        }
        p.result().completeExceptionally(notInFlight(u.triggerId(), u.capture().deviceId()));
    }

    /** Why a device's trigger cannot take a capture: it closed (and how), or the device has no such trigger. */
    public DomainException notInFlight(TriggerId triggerId, DeviceId deviceId) {
        List<String> closed = jdbc.queryForList(
                "SELECT state FROM trigger_closed WHERE trigger_id = ? AND device_id = ?", String.class,
                triggerId.value(), deviceId.value());
        if (closed.isEmpty() || closed.get(0) == null) {
            return DomainException.notFound("trigger_not_found", "Device '" + deviceId + "' has no open trigger '"
                    + triggerId + "'; upload without trigger_id to keep the image as an unsolicited capture");
        }
        return switch (closed.get(0)) {
            case "EXPIRED" -> DomainException.conflict("trigger_expired", "Trigger '" + triggerId
                    + "' expired before its capture arrived; upload without trigger_id to keep the image as an"
                    + " unsolicited capture");
            case "EXECUTED" -> DomainException.conflict("trigger_executed", "Trigger '" + triggerId
                    + "' already has its capture");
            default -> DomainException.conflict("trigger_failed", "Trigger '" + triggerId
                    + "' failed (the device reported it could not capture); upload without trigger_id to keep the"
                    + " image as an unsolicited capture");
        };
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::work, "vigil-trigger-steps");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread t = worker;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private record Pending(Step step, CompletableFuture<TriggerState> result) {
    }

    private static final class Row {
        final DeviceId deviceId;
        TriggerState state;
        long seq;

        Row(DeviceId deviceId, TriggerState state, long seq) {
            this.deviceId = deviceId;
            this.state = state;
            this.seq = seq;
        }
    }
}
