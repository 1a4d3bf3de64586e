package io.vigil.command.trigger;

import io.vigil.command.TriggerProperties;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.device.TriggerConfig;
import io.vigil.core.trigger.CreateTrigger;
import io.vigil.core.trigger.SchedulePolicy;
import io.vigil.core.trigger.SchedulePolicy.Decision;
import io.vigil.core.trigger.SchedulePolicy.Outcome;
import io.vigil.core.trigger.Trigger;
import io.vigil.core.trigger.TriggerId;
import io.vigil.core.trigger.TriggerState;
import io.vigil.core.trigger.TriggerType;
import io.vigil.platform.axon.ActorCorrelationProvider;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fires devices' scheduled runs, a batch per transaction: due devices are claimed from the due-time index
 * ({@code device_registry.next_run_at}) with {@code FOR UPDATE SKIP LOCKED}, so any number of instances share the
 * work and each due run fires once; each is decided by {@link SchedulePolicy} (grace, coalescing, spreading, one
 * in flight), its next run is written back, and the triggers of the whole batch are appended as one batch of
 * events. After the commit the commands are published; Server-Sent Events streams hear of them through the ledger's
 * {@code NOTIFY}. A crash before the commit fires nothing and moves nothing: the runs are still due.
 */
@Component
public class TriggerScheduler {
    private static final Logger log = LoggerFactory.getLogger(TriggerScheduler.class);
    private final JdbcTemplate jdbc;
    private final EventStore events;
    private final TransactionManager transactions;
    private final JsonMapper json;
    private final TriggerProperties.Schedule settings;
    private final SchedulePolicy policy;
    private final ObjectProvider<CommandPublisher> publishers;
    private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);

    public TriggerScheduler(JdbcTemplate jdbc, EventStore events, TransactionManager transactions, JsonMapper json,
                            TriggerProperties properties, ObjectProvider<CommandPublisher> publishers) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = transactions;
        this.json = json;
        this.settings = properties.schedule();
        this.policy = settings.policy();
        this.publishers = publishers;
    }

    @Scheduled(fixedDelayString = "${vigil.triggers.schedule.poll-interval:100ms}")
    public void poll() {
        try {
            while (runOnce() >= settings.batchSize()) {
                // a full batch: more may be due at once
            }
        } catch (RuntimeException e) {
            log.warn("The trigger scheduler could not run this time (the runs stay due): {}", e.toString());
        }
    }

    /** One batch: answers how many due devices it claimed. */
    public int runOnce() {
        List<CommandPublisher.OutgoingCommand> fired = new ArrayList<>();
        int[] claimed = {0};
        UnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        uow.attachTransaction(transactions);
        ResultMessage<?> result = uow.executeWithResult(() -> {
            List<Due> due = jdbc.query("""
                            SELECT d.device_id, d.org, d.time_zone, d.trigger::text, d.next_run_at, clock_timestamp(),
                                EXISTS (SELECT 1 FROM trigger_inflight i WHERE i.device_id = d.device_id)
                            FROM device_registry d
                            WHERE d.next_run_at <= now() AND d.status = 'ACTIVE'
                            ORDER BY d.next_run_at LIMIT ? FOR UPDATE OF d SKIP LOCKED""",
                    (rs, i) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), rs.getBoolean(7)),
                    settings.batchSize());
            claimed[0] = due.size();
            List<EventMessage<?>> created = new ArrayList<>();
            Map<String, InFlight> inFlight = inFlight(due, created);
            List<Object[]> next = new ArrayList<>(due.size());
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (Due d : due) {
                InFlight current = inFlight.get(d.deviceId());
                if (current == InFlight.LOCKED) {
                    continue; // another instance is ending its trigger right now: looked at again on the next poll
                }
                TriggerConfig config = json.readValue(d.trigger(), TriggerConfig.class);
                Decision decision = policy.decide(config, ZoneId.of(d.zone()), d.dueAt(), d.now(),
                        current != null && current != InFlight.ENDED, random.nextDouble());
                count(decision.outcome());
                next.add(new Object[] {decision.nextRunAt() == null ? null : Timestamp.from(decision.nextRunAt()),
                        d.deviceId()});
                if (decision.outcome() == Outcome.FIRE) {
                    TriggerId id = TriggerId.next(TriggerType.SCHEDULED);
                    String label = config.intervalSeconds() != null ? "scheduled_interval" : "scheduled_cron";
                    CreateTrigger command = new CreateTrigger(id, new DeviceId(d.deviceId()), new OrgId(d.org()),
                            TriggerType.SCHEDULED, label, d.now(), decision.runAt().plus(decision.ttl()), decision.runAt());
                    created.add(new GenericDomainEventMessage<>("Trigger", id.value(), 0, Trigger.created(command),
                            MetaData.with(ActorCorrelationProvider.USER_ID, "system")
                                    .and(ActorCorrelationProvider.CORRELATION_ID, id.value())));
                    fired.add(new CommandPublisher.OutgoingCommand(id.value(), d.deviceId(), "scheduled", label,
                            command.issuedAt(), command.expiresAt(), command.scheduledFor(), TriggerState.PENDING));
                }
            }
            jdbc.batchUpdate("UPDATE device_registry SET next_run_at = ? WHERE device_id = ?", next);
            events.publish(created);
            return created.size();
        });
        if (result.isExceptional()) {
            throw new IllegalStateException("scheduler batch rolled back", result.exceptionResult());
        }
        if (!fired.isEmpty()) {
            publishers.getIfAvailable(() -> CommandPublisher.NONE).publish(fired);
        }
        return claimed[0];
    }

    /**
     * The due devices' triggers in flight, locked. One past its expiry is over even if the timers have not recorded
     * it yet: it is expired here, in this batch, ahead of the device's next trigger (a scheduled trigger lives until
     * the device's next run, so the two meet at every run). One locked elsewhere (being ended right now) is left to
     * the next poll.
     */
    private Map<String, InFlight> inFlight(List<Due> due, List<EventMessage<?>> events) {
        String[] busy = due.stream().filter(Due::inFlight).map(Due::deviceId).toArray(String[]::new);
        Map<String, InFlight> result = new java.util.HashMap<>();
        if (busy.length == 0) {
            return result;
        }
        for (String device : busy) {
            result.put(device, InFlight.LOCKED);
        }
        jdbc.query("""
                        SELECT device_id, trigger_id, state, last_seq, expires_at <= clock_timestamp() FROM trigger_inflight
                        WHERE device_id = ANY(?) FOR UPDATE SKIP LOCKED""",
                rs -> {
                    String device = rs.getString(1);
                    if (!rs.getBoolean(5)) {
                        result.put(device, InFlight.OPEN);
                        return;
                    }
                    TriggerId id = new TriggerId(rs.getString(2));
                    Object expired = Trigger.expired(id, new DeviceId(device), TriggerState.valueOf(rs.getString(3)));
                    if (expired != null) {
                        events.add(new GenericDomainEventMessage<>("Trigger", id.value(), rs.getLong(4) + 1, expired,
                                MetaData.with(ActorCorrelationProvider.USER_ID, "system")
                                        .and(ActorCorrelationProvider.CORRELATION_ID, id.value())));
                    }
                    result.put(device, InFlight.ENDED);
                }, (Object) busy);
        return result;
    }

    private enum InFlight { OPEN, ENDED, LOCKED }

    /** How many runs each outcome had since this instance started. */
    public synchronized Map<Outcome, Long> outcomes() {
        return Map.copyOf(outcomes);
    }

    private synchronized void count(Outcome outcome) {
        outcomes.merge(outcome, 1L, Long::sum);
    }

    private record Due(String deviceId, String org, String zone, String trigger, Instant dueAt, Instant now,
                       boolean inFlight) {
    }
}
