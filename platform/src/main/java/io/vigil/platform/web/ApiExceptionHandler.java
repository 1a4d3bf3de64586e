package io.vigil.platform.web;

import io.vigil.core.DomainException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * The one place that turns failures into HTTP: domain refusals by their {@link io.vigil.core.Rejection}, bad
 * input as 400, unknown ids as 404, and anything unexpected as a 500 that is logged, not leaked.
 */
@Component
@Order(-2)
public class ApiExceptionHandler implements WebExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private final ApiErrorWriter writer;

    public ApiExceptionHandler(ApiErrorWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        Throwable e = unwrap(failure);
        DomainException domain = findDomainException(failure);
        if (domain != null) {
            e = domain;
        }
        if (e instanceof DomainException d) {
            return writer.write(exchange, status(d), ApiError.of(d.code(), d.getMessage(), Map.of()));
        }
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
        if (e instanceof WebExchangeBindException bind) {
            Map<String, String> fields = new LinkedHashMap<>();
            bind.getFieldErrors().forEach(f -> fields.put(f.getField(), f.getDefaultMessage()));
            return writer.write(exchange, HttpStatus.BAD_REQUEST, ApiError.of("invalid_request", "The request is invalid", fields));
        }
        if (e instanceof ServerWebInputException input) {
            return writer.write(exchange, HttpStatus.BAD_REQUEST, "invalid_request", inputMessage(input));
        }
        if (e instanceof DecodingException) {
            return writer.write(exchange, HttpStatus.BAD_REQUEST, "invalid_json", "The body is not valid JSON for this request");
        }
        if (e instanceof ResponseStatusException rse) {
            return writer.write(exchange, rse.getStatusCode(), codeFor(rse.getStatusCode()),
                    rse.getReason() != null ? rse.getReason() : HttpStatus.valueOf(rse.getStatusCode().value()).getReasonPhrase());
        }
        if (e instanceof NoHandlerForCommandException) {
            log.error("No handler for command", e);
            return writer.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "This service cannot take that request");
        }
        log.error("Unexpected failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), e);
        return writer.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side");
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CommandExecutionException || e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CommandExecutionException cee && cee.getDetails().isPresent()
                && cee.getDetails().get() instanceof DomainException d) {
            return d;
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

    private static String inputMessage(ServerWebInputException input) {
        Throwable cause = input.getMostSpecificCause();
        if (cause instanceof DomainException d) {
            return d.getMessage();
        }
        return input.getReason() != null ? input.getReason() : "The request is invalid";
    }

    static HttpStatus status(DomainException d) {
        return switch (d.rejection()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }

    private static String codeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "invalid_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 409 -> "conflict";
            case 415 -> "unsupported_media_type";
            default -> "error";
        };
    }
}
