package io.vigil.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * Deadlines (session expiry, idle hibernation, saga polls) live in the shared {@code scheduled_tasks}. A query
 * instance that polled it would take them and, having no sessions or sagas, drop them: it must not poll at all.
 */
class QueryServiceSchedulesNothingTest extends QuerySideIntegrationTest {
    @Autowired
    ApplicationContext context;

    @Test
    void the_standalone_query_service_never_takes_the_command_sides_deadlines() {
        assertThat(context.getBeanProvider(Scheduler.class).getIfAvailable()).isNull();
    }
}
