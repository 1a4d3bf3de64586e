package io.vigil.query;

import io.r2dbc.spi.ConnectionFactoryOptions;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The read API and the live listener must see the database the projections write (LISTEN/NOTIFY does not cross
 * databases, nor reach replicas). So unless {@code spring.r2dbc.url} is set explicitly, the R2DBC connection is
 * derived from {@code spring.datasource.*}: one setting, and no way to point reads at a different database by
 * forgetting the second one.
 */
public final class JdbcDerivedR2dbcConnectionDetails implements R2dbcConnectionDetails {
    private static final String JDBC_POSTGRESQL = "jdbc:postgresql:";
    private final ConnectionFactoryOptions options;

    public JdbcDerivedR2dbcConnectionDetails(DataSourceProperties jdbc) {
        this(jdbc.determineUrl(), jdbc.determineUsername(), jdbc.determinePassword());
    }

    public JdbcDerivedR2dbcConnectionDetails(String jdbcUrl, String username, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(JDBC_POSTGRESQL)) {
            throw new IllegalStateException("spring.r2dbc.url is not set and spring.datasource.url is not a PostgreSQL"
                    + " JDBC URL to derive it from: " + jdbcUrl);
        }
        String r2dbcUrl = "r2dbc:" + jdbcUrl.substring("jdbc:".length());
        ConnectionFactoryOptions.Builder builder = ConnectionFactoryOptions.parse(r2dbcUrl).mutate();
        if (username != null && !username.isEmpty()) {
            builder.option(ConnectionFactoryOptions.USER, username);
        }
        if (password != null && !password.isEmpty()) {
            builder.option(ConnectionFactoryOptions.PASSWORD, password);
        }
        this.options = builder.build();
    }

    @Override
    public ConnectionFactoryOptions getConnectionFactoryOptions() {
        return options;
    }

    /** Applies when nobody configured R2DBC explicitly; then Boot's own connection details stay away. */
    static final class NoR2dbcUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment().containsProperty("spring.r2dbc.url");
        }
    }
}
