package io.vigil.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testapp.PlatformWebTest;
import org.axonframework.config.Configuration;
import org.axonframework.deadline.DeadlineManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** The deadline manager aggregates and sagas get is the tolerant one, in Spring and in Axon's configuration. */
class DeadlineWiringTest extends PlatformWebTest {
    @Autowired
    ApplicationContext context;
    @Autowired
    Configuration axon;

    @Test
    void aggregates_and_sagas_cancel_through_the_tolerant_deadline_manager() {
        assertThat(context.getBeansOfType(DeadlineManager.class).values())
                .singleElement().isInstanceOf(TolerantDeadlineManager.class);
        assertThat(axon.deadlineManager()).isInstanceOf(TolerantDeadlineManager.class);
    }
}
