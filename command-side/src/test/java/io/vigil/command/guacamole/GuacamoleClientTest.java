package io.vigil.command.guacamole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.vigil.simulators.guacamole.ConnectionSnapshot;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;

/** The client against the Guacamole simulator over real HTTP. */
class GuacamoleClientTest {

    private static final Duration CALL = Duration.ofSeconds(10);

    private GuacamoleSimulator sim;
    private GuacamoleClient client;

    @BeforeEach
    void start() {
        sim = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
        client = clientWith("guacadmin", null);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private GuacamoleClient clientWith(String password, String publicUrl) {
        return new GuacamoleClient(new GuacamoleProperties(sim.baseUrl(), "guacadmin", password,
                null, publicUrl, Duration.ofSeconds(5)), WebClient.builder());
    }

    @Test
    void a_connection_is_created_found_by_name_and_deleted() {
        String id = client.createConnection("vigil-abc", "rdp", "10.50.0.7", 3389).block(CALL);

        assertThat(client.findConnectionByName("vigil-abc").block(CALL)).contains(id);
        assertThat(client.findConnectionByName("vigil-other").block(CALL)).isEmpty();
        ConnectionSnapshot stored = sim.connections().get(0);
        assertThat(stored.protocol()).isEqualTo("rdp");
        assertThat(stored.parameters()).containsEntry("hostname", "10.50.0.7")
                .containsEntry("port", "3389").containsEntry("ignore-cert", "true");

        client.deleteConnection(id).block(CALL);
        assertThat(sim.connections()).isEmpty();
        assertThat(client.findConnectionByName("vigil-abc").block(CALL)).isEmpty();
    }

    @Test
    void deleting_a_connection_that_is_already_gone_succeeds() {
        String id = client.createConnection("vigil-gone", "ssh", "10.50.0.9", 22).block(CALL);
        client.deleteConnection(id).block(CALL);

        client.deleteConnection(id).block(CALL);

        assertThat(sim.connections()).isEmpty();
    }

    @Test
    void a_duplicate_name_is_a_bad_request_and_not_transient() {
        client.createConnection("vigil-dup", "vnc", "10.50.0.7", 5900).block(CALL);

        GuacamoleException e = catchThrowableOfType(GuacamoleException.class,
                () -> client.createConnection("vigil-dup", "vnc", "10.50.0.8", 5900).block(CALL));

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("BAD_REQUEST");
        assertThat(e.transientFailure()).isFalse();
        assertThat(e.getMessage()).contains("The connection \"vigil-dup\" already exists.");
    }

    @Test
    void an_expired_token_is_replaced_by_a_transparent_login() {
        client.createConnection("vigil-before", "rdp", "10.50.0.7", 3389).block(CALL);
        sim.expireAllTokens();

        String id = client.createConnection("vigil-after", "rdp", "10.50.0.8", 3389).block(CALL);

        assertThat(client.findConnectionByName("vigil-after").block(CALL)).contains(id);
    }

    @Test
    void wrong_credentials_fail_without_being_transient() {
        GuacamoleException e = catchThrowableOfType(GuacamoleException.class,
                () -> clientWith("wrong", null).activeConnections().block(CALL));

        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.type()).isEqualTo("INVALID_CREDENTIALS");
        assertThat(e.transientFailure()).isFalse();
        assertThat(e.getMessage()).doesNotContain("wrong");
    }

    @Test
    void active_connections_show_what_the_simulator_opened_and_can_be_killed() {
        String id = client.createConnection("vigil-live", "rdp", "10.50.0.7", 3389).block(CALL);
        String active = sim.openConnection(id, "alice");

        List<ActiveConnection> open = client.activeConnections().block(CALL);

        assertThat(open).singleElement().satisfies(a -> {
            assertThat(a.identifier()).isEqualTo(active);
            assertThat(a.connectionIdentifier()).isEqualTo(id);
            assertThat(a.username()).isEqualTo("alice");
            assertThat(a.startDate()).isNotNull();
        });
        client.killActiveConnection(active).block(CALL);
        assertThat(client.activeConnections().block(CALL)).isEmpty();
    }

    @Test
    void the_client_url_encodes_id_type_and_data_source() {
        GuacamoleClient linked = clientWith("guacadmin", "https://lab.example.org/guacamole/");
        linked.activeConnections().block(CALL);

        assertThat(linked.clientUrl("1"))
                .isEqualTo("https://lab.example.org/guacamole/#/client/MQBjAHBvc3RncmVzcWw");
    }

    @Test
    void an_unreachable_guacamole_is_transient() {
        String url = sim.baseUrl();
        sim.close();
        GuacamoleClient offline = new GuacamoleClient(new GuacamoleProperties(url, "guacadmin",
                "guacadmin", "postgresql", null, Duration.ofSeconds(2)), WebClient.builder());

        GuacamoleException e = catchThrowableOfType(GuacamoleException.class,
                () -> offline.findConnectionByName("x").block(CALL));

        assertThat(e.transientFailure()).isTrue();
        assertThat(offline.clientUrl("1")).isEqualTo(url + "/#/client/MQBjAHBvc3RncmVzcWw");
    }

    @Test
    void properties_mask_the_password_and_default_the_public_url() {
        GuacamoleProperties properties = new GuacamoleProperties(null, "guacadmin", "hunter2", "",
                null, null);

        assertThat(properties.toString()).doesNotContain("hunter2");
        assertThat(properties.publicUrl()).isEqualTo("http://127.0.0.1:8081");
        assertThat(properties.dataSource()).isNull();
    }
}
