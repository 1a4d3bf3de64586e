package io.vigil.platform.axon;

import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
}
