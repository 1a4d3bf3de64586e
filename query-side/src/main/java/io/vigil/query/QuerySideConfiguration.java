package io.vigil.query;

import io.vigil.platform.PlatformConfiguration;
import io.vigil.platform.persistence.JdbcConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.annotation.Order;

/**
 * Everything the query side adds to the platform. It scans its own package (but not the standalone
 * application class) so that a launcher importing only this class gets the projections and controllers too;
 * its bean names are prefixed ({@code query...}) so that both sides load into one context without clashing.
 */
@Configuration(proxyBeanMethods = false)
@Import(PlatformConfiguration.class)
@ComponentScan(excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE,
        classes = QuerySideApplication.class))
@PropertySource("classpath:vigil-query.properties")
@EnableConfigurationProperties(QuerySideProperties.class)
public class QuerySideConfiguration {

    @Bean
    @Order(20)
    FlywayConfigurationCustomizer queryMigrations() {
        return configuration -> JdbcConfiguration.addLocation(configuration, "classpath:db/vigil/query");
    }

    @Bean
    @Conditional(JdbcDerivedR2dbcConnectionDetails.NoR2dbcUrl.class)
    R2dbcConnectionDetails queryR2dbcConnectionDetails(DataSourceProperties jdbc) {
        return new JdbcDerivedR2dbcConnectionDetails(jdbc);
    }
}
