package io.vigil.command.reconcile;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.command.ReconcileProperties;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.guacamole.GuacamoleProperties;
import io.vigil.command.session.VmOperations;
import io.vigil.core.reconcile.RecordOrphanRemoved;
import io.vigil.core.reconcile.RecordReconciliation;
import io.vigil.core.session.HandOverTeardown;
import io.vigil.core.session.RecordVmLost;
import io.vigil.platform.test.TestServices;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A reconciler as one instance of the command side has it, for tests without a Spring context: it reads what is
 * held from a database migrated as the command side's (where nothing is held unless the test records it), and its
 * commands are recorded rather than handled by the aggregates.
 */
public final class ReconcilerFixture {
    static final ReconcileProperties PROPERTIES = new ReconcileProperties(Duration.ofHours(1), Duration.ofSeconds(20),
            Duration.ofMinutes(15));

    private ReconcilerFixture() {
    }

    /** A fresh database with the platform's and the command side's migrations, as an installation has it. */
    public static String migratedDatabase() {
        String url = TestServices.freshDatabase();
        Flyway.configure().dataSource(url, "postgres", "")
                .locations("classpath:db/vigil/core", "classpath:db/vigil/command").load().migrate();
        return url;
    }

    /**
     * A connection pool like an instance's: a connection goes back to it after use with its database session
     * still open, so a lock left held on it would stay held.
     */
    public static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("postgres");
        pool.setPassword("");
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(1);
        return pool;
    }

    public static GuacamoleClient guacamole(String baseUrl) {
        return new GuacamoleClient(new GuacamoleProperties(baseUrl, "guacadmin", "guacadmin", null, null,
                Duration.ofSeconds(5)), WebClient.builder());
    }

    public static Reconciler reconciler(DataSource database, VmOperations vms, GuacamoleClient guacamole,
                                        CommandGateway commands) {
        return new Reconciler(vms, guacamole, new JdbcTemplate(database), commands, PROPERTIES, Clock.systemUTC());
    }

    /**
     * A gateway for the commands a run sends: each payload is added to {@code sent}, then given to
     * {@code onSend}, which may hold the run there (as a slow event store would) or fail it.
     */
    public static CommandGateway recording(List<Object> sent, Consumer<Object> onSend) {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        for (Class<?> type : List.of(RecordOrphanRemoved.class, RecordReconciliation.class, RecordVmLost.class,
                HandOverTeardown.class)) {
            bus.subscribe(type.getName(), message -> {
                sent.add(message.getPayload());
                onSend.accept(message.getPayload());
                return null;
            });
        }
        return DefaultCommandGateway.builder().commandBus(bus).build();
    }
}
