package io.vigil.command.device;

import io.vigil.command.TriggerProperties;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceConnected;
import io.vigil.core.device.DeviceDisconnected;
import io.vigil.core.device.DeviceId;
import io.vigil.platform.axon.ActorCorrelationProvider;
import java.util.List;
import java.util.Map;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Turns the connection rows ({@code device_presence}) into events when they change what a device is: connected over
 * a transport (its first connection) or not any more (its last one gone). Each call looks at the rows as they are
 * now, under the device row's lock, and records the difference from what was last recorded, so calls from several
 * instances, repeated or out of order, converge on one event per change.
 */
@Component
public class DevicePresence {
    private static final Logger log = LoggerFactory.getLogger(DevicePresence.class);
    private final JdbcTemplate jdbc;
    private final EventStore events;
    private final TransactionManager transactions;
    private final TriggerProperties properties;

    public DevicePresence(JdbcTemplate jdbc, EventStore events, TransactionManager transactions,
                          TriggerProperties properties) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = transactions;
        this.properties = properties;
    }

    /**
     * Records every difference between the connection rows and what was last recorded: what a crash, a shutdown or
     * a failed call left behind. Cheap: it reads only devices recorded as connected and connections not recorded.
     */
    public void reconcile() {
        jdbc.queryForList("""
                        SELECT d.device_id, t.transport FROM device_registry d, unnest(d.presence_via) AS t(transport)
                        WHERE NOT EXISTS (SELECT 1 FROM device_presence p WHERE p.device_id = d.device_id
                            AND p.transport = t.transport
                            AND (p.transport = 'mqtt' OR p.seen_at > now() - make_interval(secs => ?)))
                        UNION
                        SELECT DISTINCT p.device_id, p.transport FROM device_presence p JOIN device_registry d USING (device_id)
                        WHERE NOT (p.transport = ANY (d.presence_via))""",
                (double) properties.presenceTimeout().toSeconds())
                .forEach(row -> changed((String) row.get("device_id"), (String) row.get("transport")));
    }

    /** Records whether {@code deviceId} is connected over {@code transport}, if that changed. Never throws. */
    public void changed(String deviceId, String transport) {
        UnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        uow.attachTransaction(transactions);
        ResultMessage<?> result = uow.executeWithResult(() -> {
            List<Map<String, Object>> rows = jdbc.queryForList("""
                            SELECT org, presence_seq, ? = ANY(presence_via) AS recorded,
                                EXISTS (SELECT 1 FROM device_presence p WHERE p.device_id = d.device_id AND p.transport = ?
                                    AND (p.transport = 'mqtt' OR p.seen_at > now() - make_interval(secs => ?))) AS connected
                            FROM device_registry d WHERE device_id = ? FOR UPDATE""",
                    transport, transport, (double) properties.presenceTimeout().toSeconds(), deviceId);
            if (rows.isEmpty()) {
                return null;
            }
            Map<String, Object> row = rows.get(0);
            boolean recorded = (Boolean) row.get("recorded");
            boolean connected = (Boolean) row.get("connected");
            if (recorded == connected) {
                return null;
            }
            DeviceId device = new DeviceId(deviceId);
            OrgId org = new OrgId((String) row.get("org"));
            long seq = ((Number) row.get("presence_seq")).longValue() + 1;
            Object event = connected ? new DeviceConnected(device, org, transport)
                    : new DeviceDisconnected(device, org, transport);
            jdbc.update("""
                            UPDATE device_registry SET presence_seq = ?,
                                presence_via = CASE WHEN ? THEN array_append(presence_via, ?) ELSE array_remove(presence_via, ?) END
                            WHERE device_id = ?""",
                    seq, connected, transport, transport, deviceId);
            events.publish(new GenericDomainEventMessage<>("DevicePresence", DeviceConnected.streamOf(device), seq, event,
                    MetaData.with(ActorCorrelationProvider.USER_ID, "device:" + deviceId)));
            return null;
        });
        if (result.isExceptional()) {
            // the rows stay as they are; the next change or refresh of this device records it
            log.warn("Could not record the presence of device {} over {}: {}", deviceId, transport,
                    result.exceptionResult().toString());
        }
    }
}
