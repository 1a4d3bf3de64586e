package io.vigil.simulators.guacamole;

import java.time.Duration;
import java.util.Objects;

/**
  * Start-up configuration of the {@link GuacamoleSimulator}.
  *
  * @param tokenIdleLifetime a token expires after this long unused (Guacamole's default: 60 min)
  * @param stateFile         where connections are kept across restarts (Guacamole keeps them in its database);
  *                          null keeps nothing
  */
public record GuacamoleSimConfig(String host, int port, String username, String password,
                                 String dataSource, Duration tokenIdleLifetime, java.nio.file.Path stateFile) {

    public GuacamoleSimConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(dataSource, "dataSource");
        if (tokenIdleLifetime.isNegative() || tokenIdleLifetime.isZero()) {
            throw new IllegalArgumentException("token lifetime must be positive");
        }
    }

    /** 127.0.0.1, random port, guacadmin/guacadmin, data source "postgresql", 60 min tokens. */
    public static GuacamoleSimConfig defaults() {
        return new GuacamoleSimConfig("127.0.0.1", 0, "guacadmin", "guacadmin", "postgresql",
                Duration.ofMinutes(60), null);
    }

    public GuacamoleSimConfig withHost(String value) {
        return new GuacamoleSimConfig(value, port, username, password, dataSource, tokenIdleLifetime, stateFile);
    }

    public GuacamoleSimConfig withPort(int value) {
        return new GuacamoleSimConfig(host, value, username, password, dataSource, tokenIdleLifetime, stateFile);
    }

    public GuacamoleSimConfig withCredentials(String user, String secret) {
        return new GuacamoleSimConfig(host, port, user, secret, dataSource, tokenIdleLifetime, stateFile);
    }

    public GuacamoleSimConfig withDataSource(String value) {
        return new GuacamoleSimConfig(host, port, username, password, value, tokenIdleLifetime, stateFile);
    }

    public GuacamoleSimConfig withTokenIdleLifetime(Duration value) {
        return new GuacamoleSimConfig(host, port, username, password, dataSource, value, stateFile);
    }

    public GuacamoleSimConfig withStateFile(java.nio.file.Path value) {
        return new GuacamoleSimConfig(host, port, username, password, dataSource, tokenIdleLifetime, value);
    }

    @Override
    public String toString() {
        return "GuacamoleSimConfig[host=" + host + ", port=" + port + ", username=" + username
                + ", password=****, dataSource=" + dataSource + ", tokenIdleLifetime="
                + tokenIdleLifetime + "]";
    }
}
