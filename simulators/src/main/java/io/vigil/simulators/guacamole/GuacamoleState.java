package io.vigil.simulators.guacamole;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;

/** Tokens, connections and active connections; this object's monitor guards all of them. */
final class GuacamoleState {

    private final GuacamoleSimConfig config;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private final Map<String, Active> active = new LinkedHashMap<>();
    private int nextConnectionId = 1;

    GuacamoleState(GuacamoleSimConfig config) {
        this.config = config;
        load();
    }

    /** Connections live in Guacamole's database: with a state file they outlive a restart (tunnels do not). */
    private void load() {
        if (config.stateFile() == null || !java.nio.file.Files.exists(config.stateFile())) {
            return;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(java.nio.file.Files.readString(config.stateFile()));
            nextConnectionId = root.path("nextConnectionId").asInt(1);
            for (JsonNode c : root.path("connections")) {
                Connection connection = new Connection(c.path("identifier").asString());
                apply(connection, c);
                connections.put(connection.identifier, connection);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + config.stateFile(), e);
        }
    }

    private void save() {
        if (config.stateFile() == null) {
            return;
        }
        ObjectNode root = Json.object().put("nextConnectionId", nextConnectionId);
        var list = root.putArray("connections");
        for (Connection c : connections.values()) {
            ObjectNode json = list.addObject().put("identifier", c.identifier).put("name", c.name)
                    .put("protocol", c.protocol).put("parentIdentifier", "ROOT");
            json.set("parameters", Json.MAPPER.valueToTree(c.parameters));
            json.set("attributes", c.attributes.deepCopy());
        }
        try {
            java.nio.file.Path file = config.stateFile();
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            java.nio.file.Path next = file.resolveSibling(file.getFileName() + ".next");
            java.nio.file.Files.writeString(next, Json.MAPPER.writeValueAsString(root));
            java.nio.file.Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot save " + config.stateFile(), e);
        }
    }

    private static final class Token {
        final String username;
        long lastUsedNanos;

        Token(String username, long lastUsedNanos) {
            this.username = username;
            this.lastUsedNanos = lastUsedNanos;
        }
    }

    private static final class Connection {
        final String identifier;
        String name;
        String protocol;
        Map<String, String> parameters;
        JsonNode attributes;
        Long lastActive;

        Connection(String identifier) {
            this.identifier = identifier;
        }
    }

    private record Active(String identifier, String connectionIdentifier, long startDate,
                                                String username) {
    }

    synchronized ObjectNode login(String username, String password) {
        if (!config.username().equals(username) || !config.password().equals(password)) {
            throw new GuacError(403, "INVALID_CREDENTIALS", "Permission Denied.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = HexFormat.of().withUpperCase().formatHex(bytes);
        tokens.put(token, new Token(username, System.nanoTime()));
        ObjectNode json = Json.object().put("authToken", token).put("username", username)
                .put("dataSource", config.dataSource());
        json.putArray("availableDataSources").add(config.dataSource());
        return json;
    }

    synchronized void logout(String token) {
        if (tokens.remove(token) == null) {
            throw GuacError.notFound("No such token.");
        }
    }

    /** Idle expiry: each accepted use renews the token, as Guacamole's session timeout does. */
    synchronized String authorize(String token) {
        Token t = token == null ? null : tokens.get(token);
        long now = System.nanoTime();
        if (t == null || now - t.lastUsedNanos > config.tokenIdleLifetime().toNanos()) {
            if (t != null) {
                tokens.remove(token);
            }
            throw GuacError.permissionDenied();
        }
        t.lastUsedNanos = now;
        return t.username;
    }

    synchronized void expireAllTokens() {
        tokens.clear();
    }

    synchronized ObjectNode listConnections() {
        ObjectNode map = Json.object();
        connections.values().forEach(c -> map.set(c.identifier, toJson(c)));
        return map;
    }

    synchronized ObjectNode getConnection(String id) {
        return toJson(require(id));
    }

    synchronized ObjectNode parameters(String id) {
        return Json.MAPPER.valueToTree(require(id).parameters);
    }

    synchronized ObjectNode createConnection(JsonNode body) {
        Connection c = new Connection(String.valueOf(nextConnectionId));
        apply(c, body);
        nextConnectionId++;
        connections.put(c.identifier, c);
        save();
        return toJson(c);
    }

    synchronized void updateConnection(String id, JsonNode body) {
        apply(require(id), body);
        save();
    }

    /** Set by a test: every connection delete answers 500 until cleared, as a Guacamole whose database fails. */
    private volatile boolean refuseDeletes;

    void refuseDeletes(boolean refuse) {
        refuseDeletes = refuse;
    }

    synchronized void deleteConnection(String id) {
        if (refuseDeletes) {
            throw GuacError.internal("Unexpected internal error.");
        }
        if (connections.remove(id) == null) {
            throw GuacError.notFound("No such connection: \"" + id + "\"");
        }
        // the tunnels to it do not outlive it here (in Guacamole they end when the remote goes away)
        active.values().removeIf(a -> a.connectionIdentifier.equals(id));
        save();
    }

    private void apply(Connection c, JsonNode body) {
        String name = body.path("name").asString("").trim();
        String parent = body.path("parentIdentifier").asString("ROOT");
        String protocol = body.path("protocol").asString("");
        if (name.isEmpty()) {
            throw GuacError.badRequest("Connection names must not be blank.");
        }
        if (!"ROOT".equals(parent)) {
            throw GuacError.badRequest("No such connection group: \"" + parent + "\"");
        }
        if (protocol.isEmpty()) {
            throw GuacError.badRequest("Connection protocol must not be blank.");
        }
        boolean duplicate = connections.values().stream()
                .anyMatch(other -> other != c && other.name.equals(name));
        if (duplicate) {
            throw GuacError.badRequest("The connection \"" + name + "\" already exists.");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        body.path("parameters").properties()
                .forEach(e -> parameters.put(e.getKey(), e.getValue().asString("")));
        c.name = name;
        c.protocol = protocol;
        c.parameters = parameters;
        c.attributes = body.path("attributes").isObject() ? body.get("attributes") : Json.object();
    }

    private Connection require(String id) {
        Connection c = connections.get(id);
        if (c == null) {
            throw GuacError.notFound("No such connection: \"" + id + "\"");
        }
        return c;
    }

    private ObjectNode toJson(Connection c) {
        ObjectNode json = Json.object().put("name", c.name).put("identifier", c.identifier)
                .put("parentIdentifier", "ROOT").put("protocol", c.protocol);
        json.set("attributes", c.attributes.deepCopy());
        json.put("activeConnections", activeCount(c.identifier));
        if (c.lastActive != null) {
            json.put("lastActive", c.lastActive);
        }
        return json;
    }

    private int activeCount(String connectionId) {
        return (int) active.values().stream()
                .filter(a -> a.connectionIdentifier.equals(connectionId)).count();
    }

    synchronized ObjectNode listActive() {
        ObjectNode map = Json.object();
        for (Active a : active.values()) {
            map.putObject(a.identifier).put("identifier", a.identifier)
                    .put("connectionIdentifier", a.connectionIdentifier).put("startDate", a.startDate)
                    .put("remoteHost", "127.0.0.1").put("username", a.username).put("connectable", true);
        }
        return map;
    }

    synchronized String open(String connectionId, String username) {
        Connection c = require(connectionId);
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        active.put(id, new Active(id, connectionId, now, username));
        c.lastActive = now;
        return id;
    }

    /** Closes every active connection to {@code connectionId}; answers how many there were. */
    synchronized int closeAll(String connectionId) {
        require(connectionId);
        int before = active.size();
        active.values().removeIf(a -> a.connectionIdentifier.equals(connectionId));
        int closed = before - active.size();
        if (closed > 0) {
            connections.get(connectionId).lastActive = System.currentTimeMillis();
        }
        return closed;
    }

    /**
     * The connection a client URL opens: the last path segment of {@code .../#/client/{id}} is the unpadded
     * base64url of {@code connectionId NUL "c" NUL dataSource}. Accepts the whole URL or just that segment.
     */
    static String connectionOfClient(String clientUrlOrId) {
        String encoded = clientUrlOrId.substring(clientUrlOrId.lastIndexOf('/') + 1);
        String decoded;
        try {
            decoded = new String(java.util.Base64.getUrlDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw GuacError.badRequest("Not a Guacamole client id: \"" + encoded + "\"");
        }
        int end = decoded.indexOf('\0');
        if (end <= 0) {
            throw GuacError.badRequest("Not a Guacamole client id: \"" + encoded + "\"");
        }
        return decoded.substring(0, end);
    }

    /** @return whether it was open */
    synchronized boolean close(String activeId) {
        Active a = active.remove(activeId);
        Connection c = a == null ? null : connections.get(a.connectionIdentifier);
        if (c != null) {
            c.lastActive = System.currentTimeMillis();
        }
        return a != null;
    }

    synchronized List<ConnectionSnapshot> snapshot() {
        return connections.values().stream().map(c -> new ConnectionSnapshot(c.identifier, c.name,
                c.protocol, c.parameters, activeCount(c.identifier))).toList();
    }
}
