package io.vigil.query.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Live updates come from PostgreSQL, not from the processor that wrote the view: each listener here stands for
 * another query-side instance that runs no projection for the session, and still hears of the change.
 */
class ChangeListenerTest extends QuerySideIntegrationTest {
    private static final Duration HEARD_WITHIN = Duration.ofSeconds(20);
    private final List<ChangeListener> started = new ArrayList<>();
    @Autowired
    R2dbcConnectionDetails database;

    @AfterEach
    void stopListeners() {
        started.forEach(ChangeListener::stop);
    }

    @Test
    void every_instance_hears_of_a_change_projected_by_another() {
        ChangeListener first = listening();
        ChangeListener second = listening();
        SessionStory s = new SessionStory("alice");

        StepVerifier.create(Mono.zip(heard(first, s.id()), heard(second, s.id())))
                .then(() -> publish(s.requested()))
                .assertNext(both -> assertThat(both.getT1()).isEqualTo(both.getT2()).isEqualTo(s.id()))
                .verifyComplete();
    }

    @Test
    void a_listener_whose_connection_is_killed_reconnects_and_asks_for_a_resync() {
        ChangeListener listener = listening();
        SessionStory s = new SessionStory("bob");

        StepVerifier.create(listener.changes()
                        .filter(c -> c.equals(s.id()) || c.equals(ChangeListener.RESYNC))
                        .take(2))
                .then(this::killListenerConnections)
                .expectNext(ChangeListener.RESYNC)
                .then(() -> publish(s.requested()))
                .expectNext(s.id())
                .expectComplete()
                .verify(HEARD_WITHIN);
    }

    private ChangeListener listening() {
        var listener = new ChangeListener(database.getConnectionFactoryOptions(), Duration.ofMillis(100),
                Duration.ofSeconds(1));
        started.add(listener);
        listener.start();
        await().atMost(HEARD_WITHIN).until(listener::listening);
        return listener;
    }

    private static Mono<String> heard(ChangeListener listener, String sessionId) {
        return listener.changes().filter(sessionId::equals).next().timeout(HEARD_WITHIN);
    }

    private void killListenerConnections() {
        List<Boolean> killed = jdbc.queryForList("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE application_name = ? AND datname = current_database()""",
                Boolean.class, ChangeListener.APPLICATION_NAME);
        assertThat(killed).isNotEmpty().containsOnly(true);
    }
}
