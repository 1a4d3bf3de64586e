package io.vigil.query.session;

import io.vigil.core.DomainException;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionStatus;
import io.vigil.platform.security.CurrentUser;
import io.vigil.query.QueryParameters;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An engineer's own sessions (admins may read anyone's). Requesting and ending them is the command side's
 * ({@code POST}, {@code DELETE} on the same paths).
 */
@RestController
@RequestMapping("/api/v1/sessions")
class SessionQueryController {
    private final SessionViewReader reader;
    private final SessionEventStream stream;
    private final QueryParameters parameters;

    SessionQueryController(SessionViewReader reader, SessionEventStream stream, QueryParameters parameters) {
        this.reader = reader;
        this.stream = stream;
        this.parameters = parameters;
    }

    /** Always the caller's own, even for an admin: everyone's is {@code GET /api/v1/admin/sessions}. */
    @GetMapping
    Flux<EngineerSessionView> mine(@RequestParam(required = false) String status,
                                   @RequestParam(required = false) String limit,
                                   @AuthenticationPrincipal Jwt jwt) {
        CurrentUser user = CurrentUser.of(jwt);
        SessionStatus filter = status == null || status.isBlank() ? null : parseStatus(status);
        int max = parameters.limit(limit);
        Instant now = Instant.now();
        return reader.list(filter, user.id().value(), max).map(row -> EngineerSessionView.of(row, now));
    }

    @GetMapping("/{id}")
    Mono<EngineerSessionView> one(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
        return readable(id, CurrentUser.of(jwt)).map(row -> EngineerSessionView.of(row, Instant.now()));
    }

    /**
     * Authorisation happens on the first read, before anything is written, so refusals are plain JSON errors. A
     * session that is over answers 204: a browser's {@code EventSource} stops reconnecting on it, where a stream
     * that sent the final view and closed would be reopened every few seconds for good.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<EngineerSessionView>>>> events(@PathVariable String id,
                                                                          @AuthenticationPrincipal Jwt jwt) {
        return readable(id, CurrentUser.of(jwt)).map(row -> row.status().over()
                ? ResponseEntity.noContent().build()
                // nginx buffers proxied responses by default, which would hold events back until the buffer fills
                : ResponseEntity.ok().header("X-Accel-Buffering", "no").body(stream.follow(row)));
    }

    private Mono<SessionRow> readable(String id, CurrentUser user) {
        SessionId sessionId = new SessionId(id);
        return reader.find(sessionId)
                .switchIfEmpty(Mono.error(() -> DomainException.notFound("session_not_found", "No session " + id)))
                .handle((row, sink) -> {
                    if (user.admin() || row.ownedBy(user.id().value())) {
                        sink.next(row);
                    } else {
                        sink.error(DomainException.forbidden("not_session_owner",
                                "Session " + id + " belongs to someone else"));
                    }
                });
    }

    static SessionStatus parseStatus(String text) {
        try {
            return SessionStatus.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("invalid_status", "status must be one of "
                    + String.join(", ", Arrays.stream(SessionStatus.values()).map(SessionRow::wire).toList())
                    + ", was '" + text + "'");
        }
    }
}
