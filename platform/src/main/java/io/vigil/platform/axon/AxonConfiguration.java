package io.vigil.platform.axon;

import org.axonframework.eventhandling.ListenerInvocationErrorHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.annotation.HandlerEnhancerDefinition;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

    @Bean
    CorrelationDataProvider vigilCorrelation() {
        return new ActorCorrelationProvider();
    }

    /** bytea for serialized sagas: the generic schema assumes {@code blob}, which PostgreSQL lacks. */
    @Bean
    SagaSqlSchema sagaSqlSchema() {
        return new PostgresSagaSqlSchema();
    }

    /**
     * A failing event handler fails its event, for every processing group (Axon's default logs and skips it,
     * and the read model silently diverges). Then a tracking processor retries its batch with back-off, a group
     * with a dead-letter queue sets the event's sequence aside, and a subscribing processor fails the command
     * that published the event, so nothing is appended. The one bean of this type is every group's default.
     */
    @Bean
    ListenerInvocationErrorHandler propagatingListenerErrors() {
        return PropagatingErrorHandler.instance();
    }

    @Bean
    HandlerEnhancerDefinition deadLetterSavepoints(Environment environment,
                                                   ObjectProvider<PlatformTransactionManager> transactions) {
        return new DeadLetterSavepoints(environment, transactions);
    }
}
