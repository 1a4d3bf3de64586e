package io.vigil.query.session;

import io.vigil.core.DomainException;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionStatus;
import io.vigil.query.QueryParameters;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Everyone's sessions with their internals. Admin-only by the platform's security rules on /api/v1/admin/**. */
@RestController
@RequestMapping("/api/v1/admin/sessions")
class AdminSessionQueryController {
    private final SessionViewReader reader;
    private final QueryParameters parameters;

    AdminSessionQueryController(SessionViewReader reader, QueryParameters parameters) {
        this.reader = reader;
        this.parameters = parameters;
    }

    @GetMapping
    Flux<AdminSessionView> all(@RequestParam(required = false) String status,
                               @RequestParam(required = false) String user,
                               @RequestParam(required = false) String limit) {
        SessionStatus filter = status == null || status.isBlank() ? null : SessionQueryController.parseStatus(status);
        String owner = QueryParameters.optionalText(user, "user", 200);
        int max = parameters.limit(limit);
        Instant now = Instant.now();
        return reader.list(filter, owner, max).map(row -> AdminSessionView.of(row, now));
    }

    @GetMapping("/{id}")
    Mono<AdminSessionView> one(@PathVariable String id) {
        return reader.find(new SessionId(id))
                .switchIfEmpty(Mono.error(() -> DomainException.notFound("session_not_found", "No session " + id)))
                .map(row -> AdminSessionView.of(row, Instant.now()));
    }
}
