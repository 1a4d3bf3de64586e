package io.vigil.query;

import static org.awaitility.Awaitility.await;

import io.vigil.platform.security.Role;
import io.vigil.platform.security.TokenIssuer;
import io.vigil.platform.test.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The query side as it runs: real PostgreSQL and Redis, its own database per test class (the context is closed
 * after the class, so the next class gets a fresh one), events fed through Axon's event store, HTTP over a port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class QuerySideIntegrationTest {
    protected static final Duration PROJECTED_WITHIN = Duration.ofSeconds(15);
    protected static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
    };
    protected static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_ARRAY = new ParameterizedTypeReference<>() {
    };

    @LocalServerPort
    protected int port;
    @Autowired
    protected TokenIssuer issuer;
    @Autowired
    protected EventStore eventStore;
    @Autowired
    protected JdbcTemplate jdbc;
    protected WebTestClient http;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @BeforeEach
    void httpClient() {
        http = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    protected String token(String user, Role... roles) {
        return issuer.issue(user, List.of(roles)).token();
    }

    protected WebTestClient.ResponseSpec get(String uri, String token) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    protected Map<String, Object> getObject(String uri, String token) {
        return get(uri, token).expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();
    }

    protected List<Map<String, Object>> getArray(String uri, String token) {
        return get(uri, token).expectStatus().isOk().expectBody(JSON_ARRAY).returnResult().getResponseBody();
    }

    /** The error code of a refused request, after checking its status. */
    @SuppressWarnings("unchecked")
    protected String errorCode(WebTestClient.ResponseSpec response, int status) {
        Map<String, Object> body = response.expectStatus().isEqualTo(status).expectBody(JSON_OBJECT).returnResult().getResponseBody();
        return (String) ((Map<String, Object>) body.get("error")).get("code");
    }

    protected void publish(EventMessage<?>... events) {
        eventStore.publish(events);
    }

    /** Waits until the session's view has applied the event with sequence {@code seq} (or a later one). */
    protected void awaitProjected(String sessionId, long seq) {
        await().atMost(PROJECTED_WITHIN).until(() -> {
            List<Long> applied = jdbc.queryForList("SELECT last_sequence FROM session_view WHERE session_id = ?",
                    Long.class, sessionId);
            return !applied.isEmpty() && applied.get(0) >= seq;
        });
    }
}
