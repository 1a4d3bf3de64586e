package io.vigil.platform.web;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.vigil.core.DomainException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsatisfiedRequestParameterException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * The one place that turns failures into HTTP: domain refusals by their {@link io.vigil.core.Rejection} with their
 * own message (written for users), the framework's refusals with fixed sentences ({@link HttpErrors}), a
 * database, pool or cache that cannot be reached as 503, and anything unexpected as a 500 that is logged, not
 * leaked. No message here ever comes from a library or an exception's text: those name classes.
 */
@Component
@Order(-2)
public class ApiExceptionHandler implements WebExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    static final String BODY_MESSAGE = "The request body is missing or is not valid JSON for this operation";
    /**
     * Failures that say a database, connection pool, cache or key set did not answer (in time), not that the
     * request is wrong.
     */
    private static final List<Class<? extends Throwable>> UNAVAILABLE = List.of(
            CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
            DataAccessResourceFailureException.class, TransientDataAccessResourceException.class,
            QueryTimeoutException.class, SQLTransientConnectionException.class, R2dbcTimeoutException.class,
            R2dbcNonTransientResourceException.class, RedisConnectionException.class,
            RedisCommandTimeoutException.class, AuthenticationServiceException.class, TimeoutException.class);
    private final ApiErrorWriter writer;

    public ApiExceptionHandler(ApiErrorWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        DomainException domain = findDomainException(failure);
        if (domain != null) {
            if (domain.retryAfter() != null && !exchange.getResponse().isCommitted()) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
                        Long.toString(Math.max(1, (domain.retryAfter().toMillis() + 999) / 1000)));
            }
            return writer.write(exchange, status(domain), ApiError.of(domain.code(), domain.getMessage(), Map.of()));
        }
        Throwable e = unwrap(failure);
        if (e instanceof AggregateNotFoundException) {
            return writer.write(exchange, HttpStatus.NOT_FOUND, "not_found", "No such resource");
        }
        if (e instanceof org.axonframework.modelling.command.AggregateStreamCreationException
                || (e instanceof org.axonframework.eventsourcing.eventstore.EventStoreException
                && String.valueOf(e.getMessage()).startsWith("Cannot reuse aggregate identifier"))) {
            return writer.write(exchange, HttpStatus.CONFLICT, "already_exists", "Something with that id already exists");
        }
        if (e instanceof ConcurrencyException) {
            return writer.write(exchange, HttpStatus.CONFLICT, "concurrent_change",
                    "Someone changed this at the same moment; try again");
        }
        if (causedBy(failure, DataBufferLimitException.class)) {
            return writer.write(exchange, HttpStatus.CONTENT_TOO_LARGE, HttpErrors.of(413));
        }
        if (e instanceof WebExchangeBindException bind) {
            Map<String, String> fields = new LinkedHashMap<>();
            bind.getFieldErrors().forEach(f -> fields.put(f.getField(), f.getDefaultMessage()));
            return writer.write(exchange, HttpStatus.BAD_REQUEST, ApiError.of("invalid_request", "The request is invalid", fields));
        }
        if (e instanceof ServerWebInputException input) {
            return writer.write(exchange, HttpStatus.BAD_REQUEST, "invalid_request", inputMessage(input));
        }
        if (e instanceof DecodingException) {
            return writer.write(exchange, HttpStatus.BAD_REQUEST, "invalid_request", BODY_MESSAGE);
        }
        if (unavailable(failure)) {
            log.warn("A dependency is unavailable on {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), rootMessage(failure));
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
            return writer.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, HttpErrors.of(503));
        }
        if (e instanceof ResponseStatusException rse) {
            if (rse.getStatusCode().is5xxServerError()) {
                log.error("Failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), e);
            }
            copyHeaders(rse, exchange);
            return writer.write(exchange, rse.getStatusCode(), HttpErrors.of(rse.getStatusCode().value()));
        }
        if (e instanceof NoHandlerForCommandException) {
            log.error("No handler for command", e);
            return writer.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "This service cannot take that request");
        }
        log.error("Unexpected failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), e);
        return writer.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, HttpErrors.of(500));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CommandExecutionException || e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static DomainException findDomainException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DomainException d) {
                return d;
            }
            if (t instanceof CommandExecutionException cee && cee.getDetails().orElse(null) instanceof DomainException d) {
                return d;
            }
        }
        return null;
    }

    static boolean unavailable(Throwable failure) {
        return UNAVAILABLE.stream().anyMatch(type -> causedBy(failure, type));
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String inputMessage(ServerWebInputException input) {
        if (input instanceof MissingRequestValueException missing) {
            return "The " + missing.getLabel() + " '" + missing.getName() + "' is required";
        }
        if (input instanceof UnsatisfiedRequestParameterException) {
            return "The query parameters do not fit this operation";
        }
        if (input.getMethodParameter() != null && input.getMethodParameter().hasParameterAnnotation(
                org.springframework.web.bind.annotation.RequestBody.class)) {
            return BODY_MESSAGE;
        }
        if (input.getMethodParameter() != null) {
            return "A path or query parameter has the wrong form";
        }
        return BODY_MESSAGE;
    }

    /** Headers Spring computed for the refusal ({@code Allow} for a 405, {@code Accept} for a 415). */
    private static void copyHeaders(ResponseStatusException rse, ServerWebExchange exchange) {
        HttpHeaders headers = rse.getHeaders();
        if (!exchange.getResponse().isCommitted()) {
            headers.forEach((name, values) -> exchange.getResponse().getHeaders().put(name, values));
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    static HttpStatus status(DomainException d) {
        return switch (d.rejection()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case GONE -> HttpStatus.GONE;
            case RANGE_NOT_SATISFIABLE -> HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }
}
