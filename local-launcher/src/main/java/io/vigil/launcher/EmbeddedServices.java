package io.vigil.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/** PostgreSQL and Redis for a machine that has neither: real servers, started from jars, kept under one folder. */
final class EmbeddedServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);
    private final Path home;
    private EmbeddedPostgres postgres;
    private RedisServer redis;

    EmbeddedServices(Path home) {
        this.home = home;
    }

    /** A JDBC URL for database {@code vigil} on an embedded server whose data survives restarts. */
    String startPostgres(int port) throws IOException {
        Path data = home.resolve("pgdata");
        Files.createDirectories(data);
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            var rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = 'vigil'");
            if (!rs.next()) {
                c.createStatement().execute("CREATE DATABASE vigil");
            }
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot prepare the embedded database", e);
        }
        log.info("Embedded PostgreSQL on port {} with data in {}", port, data);
        return "jdbc:postgresql://127.0.0.1:" + port + "/vigil";
    }

    String startRedis() throws IOException {
        int port = freePort();
        redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
        redis.start();
        log.info("Embedded Redis on port {}", port);
        return "redis://127.0.0.1:" + port;
    }

    /** A signing key kept beside the data, so tokens stay valid across restarts of the local run. */
    String jwtSecret() throws IOException {
        return secret("jwt-secret");
    }

    /** A random secret kept in {@code vigil.home}, so that it stays the same across restarts of the local run. */
    String secret(String name) throws IOException {
        Path file = home.resolve(name);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        Files.createDirectories(home);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = HexFormat.of().formatHex(key);
        Files.writeString(file, secret);
        return secret;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        if (redis != null) {
            redis.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
