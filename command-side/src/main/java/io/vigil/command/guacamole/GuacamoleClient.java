package io.vigil.command.guacamole;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
  * The Guacamole REST calls Vigil makes. Logs in on first use, keeps the token, and logs in again
  * once when Guacamole rejects it (tokens expire after an idle hour).
  */
public class GuacamoleClient {

    private static final Set<String> PROTOCOLS = Set.of("rdp", "vnc", "ssh");
    private static final Duration FOREVER = Duration.ofDays(365);

    private record Session(String token, String dataSource) {
    }

    private final GuacamoleProperties properties;
    private final GuacamoleHttp http;
    private final AtomicReference<Mono<Session>> session = new AtomicReference<>();
    private volatile String knownDataSource;

    public GuacamoleClient(GuacamoleProperties properties, WebClient.Builder builder) {
        this.properties = properties;
        this.http = new GuacamoleHttp(properties, builder);
        this.knownDataSource = properties.dataSource();
        this.session.set(newLogin());
    }

    /** Shared by concurrent callers; a failed login is not kept, so the next call tries again. */
    private Mono<Session> newLogin() {
        return login().cache(ok -> FOREVER, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    private Mono<Session> login() {
        var form = BodyInserters.fromFormData("username", nullToEmpty(properties.username()))
                .with("password", nullToEmpty(properties.password()));
        return http.exchange("POST /api/tokens", http.web.post().uri("/tokens")
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form))
                .map(json -> {
                    String dataSource = properties.dataSource() != null ? properties.dataSource()
                            : json.path("dataSource").asString(null);
                    if (dataSource == null) {
                        throw new GuacamoleException("login answered no data source", 200, null, false, null);
                    }
                    knownDataSource = dataSource;
                    return new Session(json.path("authToken").asString(), dataSource);
                });
    }

    /** Runs {@code call} with the session; on a rejected token, logs in again and retries once. */
    private <T> Mono<T> withSession(Function<Session, Mono<T>> call) {
        return Mono.defer(() -> {
            Mono<Session> used = session.get();
            return used.flatMap(call).onErrorResume(
                    e -> e instanceof GuacamoleException g && g.sessionRejected(),
                    e -> {
                        // Only the first caller to see this token fail replaces the login.
                        session.compareAndSet(used, newLogin());
                        return session.get().flatMap(call);
                    });
        });
    }

    private Mono<JsonNode> request(String call, Function<Session, WebClient.RequestHeadersSpec<?>>
            request) {
        return withSession(s -> http.exchange(call, request.apply(s)
                .header("Guacamole-Token", s.token())));
    }

    /** Creates a connection under ROOT; answers its identifier. */
    public Mono<String> createConnection(String name, String protocol, String hostname, int port) {
        return createConnection(name, protocol, hostname, port, Map.of());
    }

    /**
      * @param extraParameters more Guacamole connection parameters (e.g. "username"); they win over
      *                        the defaults, which for RDP accept the guest's self-signed certificate
      */
    public Mono<String> createConnection(String name, String protocol, String hostname, int port,
                                                                              Map<String, String> extraParameters) {
        if (!PROTOCOLS.contains(protocol)) {
            return Mono.error(new IllegalArgumentException("unsupported protocol: " + protocol));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("hostname", hostname);
        parameters.put("port", String.valueOf(port));
        if ("rdp".equals(protocol)) {
            // Lab VMs come with self-signed RDP certificates; without this guacd refuses them.
            parameters.put("ignore-cert", "true");
            parameters.put("security", "any");
        }
        parameters.putAll(extraParameters);
        ObjectNode body = GuacamoleHttp.JSON.createObjectNode()
                .put("parentIdentifier", "ROOT").put("name", name).put("protocol", protocol);
        body.set("parameters", GuacamoleHttp.JSON.valueToTree(parameters));
        body.putObject("attributes");
        String json = GuacamoleHttp.JSON.writeValueAsString(body);
        return request("POST connections", s -> http.web.post()
                        .uri("/session/data/{ds}/connections", s.dataSource())
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(json))
                .map(created -> created.path("identifier").asString());
    }

    /** Every connection: identifier and name. */
    public Mono<List<Connection>> connections() {
        return request("GET connections", s -> http.web.get()
                        .uri("/session/data/{ds}/connections", s.dataSource()))
                .map(all -> {
                    List<Connection> result = new ArrayList<>();
                    for (JsonNode c : all) {
                        result.add(new Connection(c.path("identifier").asString(), c.path("name").asString(null)));
                    }
                    return List.copyOf(result);
                });
    }

    public record Connection(String identifier, String name) {
    }

    /** The identifier of the ROOT-level connection with this name, if there is one. */
    public Mono<Optional<String>> findConnectionByName(String name) {
        return request("GET connections", s -> http.web.get()
                        .uri("/session/data/{ds}/connections", s.dataSource()))
                .map(all -> {
                    for (JsonNode c : all) {
                        String parent = c.path("parentIdentifier").asString("ROOT");
                        if (name.equals(c.path("name").asString(null)) && "ROOT".equals(parent)) {
                            return Optional.of(c.path("identifier").asString());
                        }
                    }
                    return Optional.<String>empty();
                });
    }

    /** Deletes a connection; one that is already gone counts as deleted. */
    public Mono<Void> deleteConnection(String connectionId) {
        return request("DELETE connection " + connectionId, s -> http.web.delete()
                        .uri("/session/data/{ds}/connections/{id}", s.dataSource(), connectionId))
                .onErrorResume(GuacamoleException.class,
                        e -> e.httpStatus() == 404 ? Mono.empty() : Mono.error(e))
                .then();
    }

    public Mono<List<ActiveConnection>> activeConnections() {
        return request("GET activeConnections", s -> http.web.get()
                        .uri("/session/data/{ds}/activeConnections", s.dataSource()))
                .map(all -> {
                    List<ActiveConnection> result = new ArrayList<>();
                    for (JsonNode a : all) {
                        JsonNode start = a.path("startDate");
                        result.add(new ActiveConnection(a.path("identifier").asString(),
                                a.path("connectionIdentifier").asString(null), a.path("username").asString(null),
                                a.path("remoteHost").asString(null),
                                start.isNumber() ? Instant.ofEpochMilli(start.asLong()) : null,
                                a.path("connectable").asBoolean(false)));
                    }
                    return List.copyOf(result);
                });
    }

    /** Closes a user's tunnel; one that has closed meanwhile is fine. */
    public Mono<Void> killActiveConnection(String activeConnectionId) {
        String patch = GuacamoleHttp.JSON.writeValueAsString(
                List.of(Map.of("op", "remove", "path", "/" + activeConnectionId)));
        return request("PATCH activeConnections", s -> http.web.patch()
                        .uri("/session/data/{ds}/activeConnections", s.dataSource())
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(patch))
                .then();
    }

    /**
      * The link that opens a connection in Guacamole's web client: {@code /#/client/} plus the
      * unpadded base64url of {@code id NUL "c" NUL dataSource}. Needs the data source: configured,
      * or learnt by an earlier call.
      */
    public String clientUrl(String connectionId) {
        String dataSource = knownDataSource;
        if (dataSource == null) {
            throw new IllegalStateException("Guacamole data source unknown: configure "
                    + "vigil.guacamole.data-source or make a call (which logs in) first");
        }
        String raw = connectionId + "\0" + "c" + "\0" + dataSource;
        return properties.publicUrl() + "/#/client/" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
