package io.vigil.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.vigil.core.DomainException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.stream.Stream;
import org.axonframework.commandhandling.CommandExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.databind.json.JsonMapper;

/** Failures become statuses a client can act on, with messages written for people, never a library's text. */
class ApiExceptionHandlerTest {
    private final JsonMapper json = JsonMapper.builder().build();
    private final ApiExceptionHandler handler = new ApiExceptionHandler(new ApiErrorWriter(json));

    static Stream<Throwable> unreachableDependencies() {
        return Stream.of(
                new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 30000ms")),
                new CannotCreateTransactionException("Could not open JDBC Connection for transaction"),
                new DataAccessResourceFailureException("Failed to obtain R2DBC Connection"),
                new TransientDataAccessResourceException("org.postgresql.util.PSQLException: the database system is starting up"),
                new QueryTimeoutException("canceling statement due to statement timeout"),
                new IllegalStateException("wrapped", new SQLTransientConnectionException("java.net.ConnectException: Connection refused")),
                new R2dbcTimeoutException("io.r2dbc.postgresql timed out"),
                new R2dbcNonTransientResourceException("Connection closed"),
                new IllegalStateException("Redis did not answer", new RedisConnectionException("Unable to connect to 127.0.0.1:6379")),
                new RedisCommandTimeoutException("Command timed out after 2 second(s)"),
                new IllegalStateException("Redis did not answer", new java.util.concurrent.TimeoutException()),
                new CommandExecutionException("command failed", new CannotGetJdbcConnectionException("no connection")),
                new AuthenticationServiceException("An error occurred while attempting to decode the Jwt: Couldn't retrieve remote JWK set"));
    }

    @ParameterizedTest
    @MethodSource("unreachableDependencies")
    void an_unreachable_database_pool_or_cache_is_a_503_that_names_no_class(Throwable failure) {
        MockServerWebExchange exchange = exchange();

        handler.handle(exchange, failure).block();

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(503);
        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("5");
        Map<String, Object> error = error(exchange);
        assertThat(error).containsEntry("code", "unavailable").containsEntry("message", HttpErrors.UNAVAILABLE_MESSAGE);
        assertThat(body(exchange)).doesNotContain("Exception", "java.", "Hikari", "Redis", "R2DBC", "JDBC", "127.0.0.1");
    }

    @Test
    void a_domain_refusal_keeps_its_own_message_even_when_wrapped() {
        MockServerWebExchange exchange = exchange();
        DomainException quota = DomainException.conflict("quota_exceeded", "You already have 2 sessions running");

        handler.handle(exchange, new CommandExecutionException("failed", quota)).block();

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(409);
        assertThat(error(exchange)).containsEntry("code", "quota_exceeded")
                .containsEntry("message", "You already have 2 sessions running");
    }

    @Test
    void an_unexpected_failure_is_a_500_that_leaks_nothing() {
        MockServerWebExchange exchange = exchange();

        handler.handle(exchange, new NullPointerException("Cannot invoke \"io.vigil.Foo.bar()\" because x is null")).block();

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(500);
        assertThat(error(exchange)).containsEntry("code", "internal_error");
        assertThat(body(exchange)).doesNotContain("io.vigil", "Foo", "NullPointer");
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/sessions"));
    }

    private static String body(MockServerWebExchange exchange) {
        return exchange.getResponse().getBodyAsString().block();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> error(MockServerWebExchange exchange) {
        Map<String, Object> body = json.readValue(body(exchange), Map.class);
        assertThat(body).containsOnlyKeys("error");
        Map<String, Object> error = (Map<String, Object>) body.get("error");
        assertThat(error).containsKeys("code", "message", "details", "timestamp");
        return error;
    }
}
