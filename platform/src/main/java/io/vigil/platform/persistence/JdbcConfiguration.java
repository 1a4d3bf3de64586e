package io.vigil.platform.persistence;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * The JDBC side of the one PostgreSQL database: Axon's event store, tokens, sagas and deadlines, and the
 * projections they guard. Declared here because Boot skips its DataSource when R2DBC is on the class path.
 */
@Configuration(proxyBeanMethods = false)
public class JdbcConfiguration {

    /** Primary: without R2DBC on the class path (the command side alone) Boot's DataSource auto-configuration adds its own. */
    @Bean
    @Primary
    @ConfigurationProperties("spring.datasource")
    DataSourceProperties dataSourceProperties() {
        return new DataSourceProperties();
    }

    @Bean
    @Primary
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties properties) {
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }

    @Bean
    @Primary
    JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    @Order(0)
    FlywayConfigurationCustomizer coreMigrations() {
        return configuration -> {
            // Each service adds its own location; they share one history table, so a service must tolerate
            // migrations it does not ship (another service's) and ones applied out of order.
            configuration.outOfOrder(true).ignoreMigrationPatterns("*:missing");
            addLocation(configuration, "classpath:db/vigil/core");
        };
    }

    public static void addLocation(FluentConfiguration configuration, String location) {
        var locations = new java.util.ArrayList<String>();
        for (var existing : configuration.getLocations()) {
            String text = existing.getDescriptor();
            if (!text.endsWith("db/migration")) {
                locations.add(text);
            }
        }
        if (!locations.contains(location)) {
            locations.add(location);
        }
        configuration.locations(locations.toArray(String[]::new));
    }
}
