package io.vigil.platform.axon;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.serialization.Serializer;
import org.axonframework.springboot.autoconfig.AxonDbSchedulerAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;

/**
 * The deadline manager of every service that runs db-scheduler (the command side): Axon's, built as Axon's own
 * auto-configuration builds it, with a cancel that tolerates a deadline firing at that moment. A service without a
 * scheduler (the standalone query side) keeps Axon's default.
 */
@AutoConfiguration(before = AxonDbSchedulerAutoConfiguration.class,
        afterName = "com.github.kagkarlsson.scheduler.boot.autoconfigure.DbSchedulerAutoConfiguration")
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
