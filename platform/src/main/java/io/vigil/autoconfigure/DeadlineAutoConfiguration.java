package io.vigil.autoconfigure;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.serialization.Serializer;
import org.axonframework.springboot.autoconfig.AxonDbSchedulerAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureAfter;
import org.springframework.boot.autoconfigure.AutoConfigureBefore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;

/**
 * The deadline manager of every service that runs db-scheduler: Axon's, built as Axon's own auto-configuration
 * builds it, with a cancel that tolerates a deadline firing at that moment. A service without a scheduler keeps
 * Axon's default.
 * <p>
 * An auto-configuration, ordered after db-scheduler's and before Axon's, in a package no service scans: picked up
 * by a component scan it would be an ordinary configuration, evaluated before any auto-configuration, and find no
 * scheduler (which is how it was once silently skipped; {@code DeadlineWiringTest}).
 */
@AutoConfiguration
@AutoConfigureBefore(AxonDbSchedulerAutoConfiguration.class)
@AutoConfigureAfter(name = "com.github.kagkarlsson.scheduler.boot.autoconfigure.DbSchedulerAutoConfiguration")
@ConditionalOnBean(Scheduler.class)
public class DeadlineAutoConfiguration {

    @Bean
    TolerantDeadlineManager deadlineManager(Scheduler scheduler, org.axonframework.config.Configuration configuration,
                                    Serializer serializer, TransactionManager transactionManager,
                                    DeadlineManagerSpanFactory spanFactory) {
        DbSchedulerDeadlineManager.Builder builder = DbSchedulerDeadlineManager.builder()
                .scheduler(scheduler)
                .scopeAwareProvider(new ConfigurationScopeAwareProvider(configuration))
                .serializer(serializer)
                .transactionManager(transactionManager)
                .spanFactory(spanFactory)
                .startScheduler(false)
                .stopScheduler(false);
        return new TolerantDeadlineManager(builder, scheduler);
    }
}
