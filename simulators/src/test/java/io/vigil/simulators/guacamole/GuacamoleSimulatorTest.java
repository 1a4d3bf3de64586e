package io.vigil.simulators.guacamole;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vigil.simulators.RawHttp;
import io.vigil.simulators.RawHttp.Response;

class GuacamoleSimulatorTest {

    private static final String CONNECTION = """
      {"parentIdentifier":"ROOT","name":"lab-100","protocol":"rdp",
       "parameters":{"hostname":"127.0.0.1","port":"3389"},"attributes":{}}""";

    private GuacamoleSimulator sim;
    private RawHttp http;

    @BeforeEach
    void start() {
        sim = GuacamoleSimulator.start(GuacamoleSimConfig.defaults()
                .withTokenIdleLifetime(Duration.ofHours(1)));
        http = new RawHttp(sim.baseUrl());
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private String login() {
        Response r = http.postForm("/api/tokens",
                Map.of("username", "guacadmin", "password", "guacadmin"));
        assertThat(r.status()).isEqualTo(200);
        return r.body().path("authToken").asString();
    }

    @Test
    void login_answers_a_token_and_the_data_source() {
        Response ok = http.postForm("/api/tokens",
                Map.of("username", "guacadmin", "password", "guacadmin"));
        Response wrong = http.postForm("/api/tokens",
                Map.of("username", "guacadmin", "password", "nope"));

        assertThat(ok.body().path("authToken").asString()).hasSize(64);
        assertThat(ok.body().path("dataSource").asString()).isEqualTo("postgresql");
        assertThat(ok.body().path("availableDataSources").get(0).asString()).isEqualTo("postgresql");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body().path("type").asString()).isEqualTo("INVALID_CREDENTIALS");
    }

    @Test
    void connections_are_created_listed_renamed_and_deleted() {
        String token = login();
        String base = "/api/session/data/postgresql/connections?token=" + token;

        Response created = http.sendJson(HttpMethod.POST, base, CONNECTION);
        String id = created.body().path("identifier").asString();
        Response duplicate = http.sendJson(HttpMethod.POST, base, CONNECTION);

        assertThat(id).isEqualTo("1");
        assertThat(created.body().path("activeConnections").asInt()).isZero();
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.body().path("message").asString())
                .isEqualTo("The connection \"lab-100\" already exists.");
        assertThat(http.get(base).body().path(id).path("name").asString()).isEqualTo("lab-100");
        assertThat(sim.connections().get(0).parameters()).containsEntry("port", "3389");

        String one = "/api/session/data/postgresql/connections/" + id + "?token=" + token;
        assertThat(http.sendJson(HttpMethod.PUT, one, CONNECTION.replace("lab-100", "lab-101"))
                .status()).isEqualTo(204);
        assertThat(http.get(one).body().path("name").asString()).isEqualTo("lab-101");
        assertThat(http.delete(one).status()).isEqualTo(204);
        Response gone = http.delete(one);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body().path("type").asString()).isEqualTo("NOT_FOUND");
    }

    @Test
    void expired_tokens_are_refused_with_permission_denied() {
        String token = login();
        sim.expireAllTokens();

        Response refused = new RawHttp(sim.baseUrl(), Map.of("Guacamole-Token", token))
                .get("/api/session/data/postgresql/connections");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("type").asString()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void tokens_expire_after_the_idle_lifetime() {
        sim.close();
        sim = GuacamoleSimulator.start(GuacamoleSimConfig.defaults()
                .withTokenIdleLifetime(Duration.ofMillis(100)));
        http = new RawHttp(sim.baseUrl());
        String token = login();
        String url = "/api/session/data/postgresql/activeConnections?token=" + token;

        assertThat(http.get(url).status()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> http.get(url).status() == 403);
    }

    @Test
    void active_connections_are_opened_by_the_simulator_and_killed_by_patch() {
        String token = login();
        String id = http.sendJson(HttpMethod.POST,
                "/api/session/data/postgresql/connections?token=" + token, CONNECTION)
                .body().path("identifier").asString();
        String active = http.postForm("/sim/connections/" + id + "/open", Map.of("username", "ann"))
                .body().path("identifier").asString();
        String url = "/api/session/data/postgresql/activeConnections?token=" + token;

        var listed = http.get(url).body().path(active);
        assertThat(listed.path("connectionIdentifier").asString()).isEqualTo(id);
        assertThat(listed.path("username").asString()).isEqualTo("ann");
        assertThat(listed.path("startDate").isNumber()).isTrue();
        assertThat(sim.connections().get(0).activeConnections()).isEqualTo(1);

        Response patched = http.sendJson(HttpMethod.PATCH, url,
                "[{\"op\":\"remove\",\"path\":\"/" + active + "\"}]");

        assertThat(patched.status()).isEqualTo(204);
        assertThat(http.get(url).body().size()).isZero();
        assertThat(http.get("/api/session/data/postgresql/connections/" + id + "?token=" + token)
                .body().path("lastActive").isNumber()).isTrue();
    }

    @Test
    void a_client_url_is_opened_and_closed_like_a_browser_tab_and_deleting_the_connection_ends_its_tunnels() {
        String token = login();
        String id = http.sendJson(HttpMethod.POST,
                "/api/session/data/postgresql/connections?token=" + token, CONNECTION)
                .body().path("identifier").asString();
        String client = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString((id + "\0c\0postgresql").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String url = "/api/session/data/postgresql/activeConnections?token=" + token;

        assertThat(http.postForm("/sim/client/" + client + "/open", Map.of()).status()).isEqualTo(200);
        assertThat(sim.openClient("https://guac.example/#/client/" + client, "ann")).isNotBlank();
        assertThat(http.get(url).body().size()).isEqualTo(2);
        assertThat(http.postForm("/sim/client/" + client + "/close", Map.of()).body().path("closed").asInt()).isEqualTo(2);
        assertThat(http.get(url).body().size()).isZero();
        assertThat(http.postForm("/sim/client/not-base64!/open", Map.of()).status()).isEqualTo(400);

        sim.openClient(client, "ann");
        http.delete("/api/session/data/postgresql/connections/" + id + "?token=" + token);
        assertThat(http.get(url).body().size()).isZero();
    }
}
