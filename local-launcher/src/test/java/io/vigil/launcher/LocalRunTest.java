package io.vigil.launcher;

import io.vigil.platform.security.Role;
import io.vigil.platform.security.TokenIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The whole local run (command and query side in one context) on a random port, as the tests of this module use
 * it: an HTTP client, tokens, the database, and a wait until admission can decide. Each test class starts the
 * simulators it needs (their settings differ) and registers them with {@link Simulated#register}; its context is
 * closed after it, so several at once do not exhaust PostgreSQL's connections.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(classes = VigilApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class LocalRunTest {
    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_LIST = new ParameterizedTypeReference<>() { };

    @LocalServerPort
    int port;
    @Autowired
    TokenIssuer tokens;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApplicationContext context;
    WebTestClient http;

    @BeforeEach
    void connectWhenReady() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(60)).build();
        Simulated.awaitReady(context);
    }

    String token(String user, Role role) {
        return tokens.issue(user, List.of(role)).token();
    }

    /** The session as its owner (or an admin) sees it. */
    Map<String, Object> session(String token, String id) {
        return http.get().uri("/api/v1/sessions/" + id).header("Authorization", "Bearer " + token)
                .exchange().returnResult(JSON).getResponseBody().blockFirst(Duration.ofSeconds(10));
    }
}
