package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.platform.security.Role;
import io.vigil.platform.security.SecurityProperties;
import io.vigil.platform.security.TokenIssuer;
import io.vigil.platform.test.RawHttp;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every operation of the OpenAPI document, sent what an attacker or a broken client sends: hostile path values,
 * bodies, media types, tokens, methods, URIs and headers. Whatever the answer, it is not a 5xx, an error carries
 * the envelope, and nothing in it names code. Deterministic: one seeded generator.
 */
@SpringBootTest(classes = VigilApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileRequestsTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    private static final List<String> LEAKS = List.of("io.vigil", "java.", "Exception", "tools.jackson", "org.springframework");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final long SEED = 20_261_202L;

    /** Path segments as they go on the wire: encoded slash, NUL, dot-dot, percent, long, unicode, SQL-ish, ... */
    private static final List<String> HOSTILE_SEGMENTS = List.of("a%2Fb", "%2F", "..", "%2e%2e", "a%00b", "%25", "a;b=c",
            "a%5Cb", "a%0D%0Ab", "x".repeat(5000), "%E2%9C%93%C3%A9%E2%80%AE", "%F0%9F%92%A9", "1%27%20OR%20%271%27%3D%271",
            "%27%3B%20DROP%20TABLE%20session_view%3B--", "-1", "99999999999999999999999", "0", "%20", "null", "%C0%AF",
            "01JD3Q7W8X9Y0Z1A2B3C4D5E6F", "%7B%7D", "~", "a.json");
    /** Segments no well-behaved client sends unencoded: over a raw socket. */
    private static final List<String> RAW_SEGMENTS = List.of("a\u0000b", "a|b", "a\\b", "<script>", "%zz", "\u00e9t\u00e9",
            "a\"b", "a{b}", "`id`", "a^b");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    TokenIssuer tokens;
    @Autowired
    SecurityProperties security;
    @Autowired
    JsonMapper json;

    private final Random random = new Random(SEED);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private int sent;

    @Test
    void no_hostile_request_gets_a_5xx_or_an_error_without_the_envelope() throws Exception {
        long started = System.nanoTime();
        List<Operation> operations = operations();
        assertThat(operations).hasSizeGreaterThanOrEqualTo(18);
        String admin = "Bearer " + tokens.issue("root", List.of(Role.ADMIN)).token();
        String engineer = "Bearer " + tokens.issue("alice", List.of(Role.ENGINEER)).token();
        List<String> hostileTokens = hostileTokens();

        for (Operation op : operations) {
            hostilePaths(op, admin);
            List<String> bodies = hostileBodies(op);
            hostileBodies(op, bodies, admin);
            for (String token : hostileTokens) {
                send(op.method(), op.path(null), token, op.jsonType(), op.emptyBody(), null);
            }
            hostileNegotiation(op, admin);
            for (int i = 0; i < 2; i++) {
                send(op.method(), op.path(random.nextBoolean() ? pick(HOSTILE_SEGMENTS) : null),
                        random.nextBoolean() ? engineer : pick(hostileTokens), "application/json", pick(bodies), null);
            }
        }
        for (int i = 0; i < 20; i++) {
            overTheLimits(pick(operations), engineer);
        }

        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("Hostile requests: %d over %d operations in %.1f s; statuses %s%n", sent, operations.size(), seconds, statuses);
        assertThat(failures).as("answers that broke the rules (first 30 of %d)", failures.size()).isEmpty();
        assertThat(sent).isGreaterThanOrEqualTo(1400);
    }

    private void hostilePaths(Operation op, String authorization) {
        for (String segment : HOSTILE_SEGMENTS) {
            send(op.method(), op.path(segment), authorization, op.jsonType(), op.emptyBody(), null);
        }
        for (String segment : RAW_SEGMENTS) {
            raw(op.method() + " " + op.path(segment) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
                    + "\r\nConnection: close\r\n\r\n");
        }
    }

    /** Every hostile body to an operation that takes one, a few to one that does not; then wrong media types. */
    private void hostileBodies(Operation op, List<String> bodies, String authorization) {
        for (String body : op.body() ? bodies : bodies.subList(0, 3)) {
            send(op.method(), op.path(null), authorization, "application/json", body, null);
        }
        if (!op.body()) {
            return;
        }
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=ebcdic", "garbage;;;=", "*/*")) {
            send(op.method(), op.path(null), authorization, type, "{\"a\": 1}", null);
        }
        send(op.method(), op.path(null), authorization, null, "{\"a\": 1}", null);
    }

    /** Accept headers it cannot satisfy, and methods it does not take. */
    private void hostileNegotiation(Operation op, String authorization) {
        for (String accept : List.of("application/xml", "text/html", "image/png", "application/json;q=0, */*;q=0")) {
            send(op.method(), op.path(null), authorization, op.jsonType(), op.emptyBody(), accept);
        }
        for (String method : List.of("PATCH", "TRACE", "FOO", op.method().equals("GET") ? "PUT" : "GET")) {
            send(method, op.path(null), authorization, "application/json", "{}", null);
        }
    }

    /** A request line over 4 KB (raw and through a client), headers over 8 KB, hundreds of headers, noise. */
    private void overTheLimits(Operation op, String authorization) {
        String longPath = op.path(null) + "?q=" + "a".repeat(4096 + random.nextInt(4096));
        raw(op.method() + " " + longPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        send(op.method(), longPath, authorization, null, null, null);
        raw(op.method() + " " + op.path(null) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + "h".repeat(8192 + random.nextInt(8192)) + "\r\nConnection: close\r\n\r\n");
        raw(op.method() + " " + op.path(null) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + manyHeaders(200 + random.nextInt(200))
                + "Connection: close\r\n\r\n");
        raw(garbage());
    }

    private record Operation(String method, String template, boolean body, List<String> properties) {
        String jsonType() {
            return body ? "application/json" : null;
        }

        String emptyBody() {
            return body ? "{}" : null;
        }

        /** The path with every parameter set to {@code segment}, or to a plausible value when it is null. */
        String path(String segment) {
            Matcher m = PARAMETER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(segment != null ? segment : plausible(m.group(1))));
            }
            m.appendTail(out);
            return out.toString();
        }

        private static String plausible(String name) {
            return switch (name) {
                case "id" -> "01JD3Q7W8X9Y0Z1A2B3C4D5E6F";
                case "name" -> "pve-1";
                case "group" -> "session-views";
                default -> "x1";
            };
        }
    }

    private List<Operation> operations() throws Exception {
        HttpResponse<String> docs = client.send(HttpRequest.newBuilder(uri("/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode root = json.readTree(docs.body());
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : root.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                JsonNode requestBody = op.getValue().get("requestBody");
                List<String> properties = new ArrayList<>();
                if (requestBody != null) {
                    JsonNode schema = requestBody.path("content").path("application/json").path("schema");
                    String ref = schema.path("$ref").asString("");
                    JsonNode resolved = ref.isEmpty() ? schema
                            : root.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
                    resolved.path("properties").propertyNames().forEach(properties::add);
                }
                operations.add(new Operation(op.getKey().toUpperCase(), path.getKey(), requestBody != null, properties));
            }
        }
        return operations;
    }

    /** Garbage, truncated JSON, wrong types for each property, huge numbers, deep nesting, 2 MB, empty. */
    private List<String> hostileBodies(Operation op) {
        List<String> bodies = new ArrayList<>(List.of("", "garbage", "{", "{\"a\":", "[]", "null", "\"text\"", "123",
                "{\"a\": 1e400}", "[".repeat(3000) + "]".repeat(3000), "{\"x\": \"" + "y".repeat(2 * 1024 * 1024) + "\"}",
                "\u0000\u0001\u0002", "{\"a\": \"\\ud800\"}", "{\"a\":1,\"a\":2}"));
        List<Object> wrong = List.of(true, 99999999999999999999999.0, "999999999999999999999999", List.of(1, 2),
                Map.of("nested", Map.of()), "", "x".repeat(10_000), -1, "\u202e\u0000");
        for (String property : op.properties()) {
            Map<String, Object> body = new LinkedHashMap<>();
            for (String other : op.properties()) {
                body.put(other, pick(wrong));
            }
            body.put(property, pick(wrong));
            bodies.add(json.writeValueAsString(body));
            bodies.add("{\"" + property + "\": 123456789012345678901234567890}");
        }
        return bodies;
    }

    private List<String> hostileTokens() {
        SecurityProperties forgedKey = new SecurityProperties("forged-forged-forged-forged-forged-0123",
                null, security.issuer(), null, security.rolesClaim(), security.tokenTtl(), false, null, security.ticketTtl(), null);
        String forged = new TokenIssuer(forgedKey, Clock.systemUTC()).issue("root", List.of(Role.ADMIN)).token();
        String expired = new TokenIssuer(security, Clock.offset(Clock.systemUTC(), Duration.ofDays(-1)))
                .issue("root", List.of(Role.ADMIN)).token();
        String[] parts = tokens.issue("root", List.of(Role.ADMIN)).token().split("\\.");
        String algNone = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        List<String> hostile = new ArrayList<>();
        hostile.add(null);
        hostile.addAll(List.of("Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c", "Bearer " + forged, "Bearer " + expired,
                "Bearer " + algNone, "Basic cm9vdDpyb290", "bearer " + parts[0], "Bearer " + parts[0] + "." + parts[1] + ".AAAA",
                "Bearer " + "e".repeat(6000)));
        return hostile;
    }

    private void send(String method, String target, String authorization, String contentType, String body, String accept) {
        URI uri;
        try {
            uri = uri(target);
        } catch (IllegalArgumentException e) {
            raw(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.header("Accept", accept != null ? accept : "application/json");
        String description = method + " " + abbreviate(target) + " [auth " + abbreviate(String.valueOf(authorization))
                + ", type " + contentType + ", body " + abbreviate(String.valueOf(body)) + ", accept " + accept + "]";
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            check(description, response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            // a server that closes after a refusal it already sent (414, 431) may reset the rest of a large upload
            raw(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Connection: close\r\n\r\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void raw(String request) {
        RawHttp.Response response = new RawHttp(port).send(request);
        check("raw " + abbreviate(request.replace("\r\n", "⏎")), response.status(), response.body(),
                response.headers().getOrDefault("content-type", ""));
    }

    private void check(String request, int status, String body, String contentType) {
        sent++;
        statuses.merge(status, 1, Integer::sum);
        if (status == 0 || status >= 500) {
            fail(request, status, body, "no answer or a 5xx");
        } else if (status >= 400) {
            if (!contentType.startsWith("application/json")) {
                fail(request, status, body, "error without a JSON body");
            } else {
                JsonNode error = json.readTree(body).path("error");
                if (!error.path("code").isString() || !error.path("message").isString() || !error.path("timestamp").isString()
                        || !error.has("details")) {
                    fail(request, status, body, "error without the envelope");
                }
            }
        }
        if (LEAKS.stream().anyMatch(body::contains)) {
            fail(request, status, body, "names code");
        }
    }

    private void fail(String request, int status, String body, String rule) {
        if (failures.size() < 30) {
            failures.add(rule + ": " + status + " for " + request + " -> " + abbreviate(body));
        } else {
            failures.add(rule);
        }
    }

    private URI uri(String target) {
        return URI.create("http://127.0.0.1:" + port + target);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String manyHeaders(int count) {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < count; i++) {
            headers.append("X-H").append(i).append(": ").append("v".repeat(40)).append("\r\n");
        }
        return headers.toString();
    }

    private String garbage() {
        byte[] bytes = new byte[64 + random.nextInt(512)];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1) + "\r\n\r\n";
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "…(" + text.length() + ")";
    }
}
