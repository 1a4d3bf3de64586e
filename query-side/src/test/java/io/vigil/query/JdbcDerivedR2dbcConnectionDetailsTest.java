package io.vigil.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.vigil.platform.test.TestServices;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** With only spring.datasource.* configured, reads still go to the database the projections write. */
class JdbcDerivedR2dbcConnectionDetailsTest {

    @Test
    void reads_reach_the_database_named_by_the_jdbc_url() {
        String jdbcUrl = TestServices.freshDatabase();
        String database = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        var details = new JdbcDerivedR2dbcConnectionDetails(jdbcUrl, "postgres", "");

        String reached = Mono.usingWhen(
                        ConnectionFactories.get(details.getConnectionFactoryOptions()).create(),
                        c -> Flux.from(c.createStatement("SELECT current_database()").execute())
                                .flatMap(r -> r.map((row, meta) -> row.get(0, String.class))).single(),
                        Connection::close)
                .block(Duration.ofSeconds(10));

        assertThat(reached).isEqualTo(database);
    }

    @Test
    void a_jdbc_url_that_is_not_postgresql_is_refused_at_start_up() {
        assertThatThrownBy(() -> new JdbcDerivedR2dbcConnectionDetails("jdbc:h2:mem:x", "sa", ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("spring.r2dbc.url");
    }
}
