package io.vigil.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.testapp.PlatformWebTest;
import io.vigil.testapp.ProbeEventHandler;
import io.vigil.testapp.ProbeHappened;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An event handler's failure is not logged and skipped: in a subscribing processing group it fails the unit of
 * work that published the event (a command's), so the event is not appended and the command fails.
 */
class ListenerErrorsTest extends PlatformWebTest {
    @Autowired
    EventStore events;
    @Autowired
    TransactionManager transactions;
    @Autowired
    ProbeEventHandler handler;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void a_failing_subscribing_handler_fails_the_publisher_and_nothing_is_appended() {
        assertThatThrownBy(() -> publishInUnitOfWork(new ProbeHappened("poisoned", true)))
                .hasStackTraceContaining("cannot handle poisoned");

        assertThat(appended("poisoned")).isZero();
        assertThat(handler.handled()).doesNotContain("poisoned");
    }

    @Test
    void a_handled_event_is_appended() {
        publishInUnitOfWork(new ProbeHappened("fine", false));

        assertThat(appended("fine")).isEqualTo(1);
        assertThat(handler.handled()).contains("fine");
    }

    private void publishInUnitOfWork(ProbeHappened event) {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        unitOfWork.attachTransaction(transactions);
        unitOfWork.execute(() -> events.publish(GenericEventMessage.asEventMessage(event)));
    }

    private int appended(String name) {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%ProbeHappened'"
                + " AND convert_from(payload, 'UTF8') LIKE ?", Integer.class, "%\"" + name + "\"%");
    }
}
