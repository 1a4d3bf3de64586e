package io.vigil.platform.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.test.context.DynamicPropertyRegistry;
import redis.embedded.RedisServer;

/**
 * Real PostgreSQL and Redis for tests: the ones already running on 127.0.0.1 (as on CI) when they answer,
 * otherwise embedded ones started once per JVM. Every test class gets a database of its own.
 */
public final class TestServices {
    public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";
    private static final List<String> createdDatabases = new CopyOnWriteArrayList<>();
    private static String postgresBase;
    private static String redisUri;

    private TestServices() {
    }

    /** JDBC URL prefix ending in '/', user postgres, no password. */
    public static synchronized String postgresBase() {
        if (postgresBase == null) {
            if (answers("127.0.0.1", 5432) && !"true".equals(System.getenv("VIGIL_EMBEDDED_SERVICES"))) {
                postgresBase = "jdbc:postgresql://127.0.0.1:5432/";
            } else {
                try {
                    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                    postgresBase = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/";
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(pg)));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot start embedded PostgreSQL", e);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestServices::dropDatabases));
        }
        return postgresBase;
    }

    /** A new, empty database; dropped when the JVM exits. */
    public static String freshDatabase() {
        String name = "vigil_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(postgresBase() + "postgres", "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database", e);
        }
        createdDatabases.add(name);
        return postgresBase() + name;
    }

    public static synchronized String redisUri() {
        if (redisUri == null) {
            if (answers("127.0.0.1", 6379) && !"true".equals(System.getenv("VIGIL_EMBEDDED_SERVICES"))) {
                redisUri = "redis://127.0.0.1:6379";
            } else {
                try {
                    int port = freePort();
                    RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
                    server.start();
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            server.stop();
                        } catch (IOException ignored) {
                            // exiting anyway
                        }
                    }));
                    redisUri = "redis://127.0.0.1:" + port;
                } catch (IOException e) {
                    throw new IllegalStateException("cannot start embedded Redis", e);
                }
            }
        }
        return redisUri;
    }

    /** Points a Spring test context at a fresh database and the shared Redis. */
    public static void register(DynamicPropertyRegistry registry) {
        String jdbc = freshDatabase();
        registry.add("spring.datasource.url", () -> jdbc);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.r2dbc.url", () -> jdbc.replace("jdbc:postgresql", "r2dbc:postgresql"));
        registry.add("spring.r2dbc.username", () -> "postgres");
        registry.add("spring.r2dbc.password", () -> "");
        registry.add("vigil.redis.uri", TestServices::redisUri);
        registry.add("vigil.security.jwt-secret", () -> JWT_SECRET);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void dropDatabases() {
        try (Connection c = DriverManager.getConnection(postgresBase + "postgres", "postgres", "")) {
            for (String name : createdDatabases) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException ignored) {
            // best effort: the server may be gone already
        }
    }

    private static void close(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException ignored) {
            // exiting anyway
        }
    }
}
