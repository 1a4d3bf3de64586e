package io.vigil.platform.security;

import io.vigil.core.DomainException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/stream-tickets {"path": "/api/v1/sessions/{id}/events"}}: a ticket for one stream. */
@RestController
class StreamTicketController {
    private final StreamTickets tickets;

    StreamTicketController(StreamTickets tickets) {
        this.tickets = tickets;
    }

    @PostMapping("/api/v1/stream-tickets")
    @ResponseStatus(HttpStatus.CREATED)
    StreamTickets.Ticket issue(@RequestBody(required = false) TicketRequest request, @AuthenticationPrincipal Jwt jwt) {
        if (request == null) {
            throw DomainException.invalid("invalid_body", "a JSON body {\"path\"} is required");
        }
        return tickets.issue(jwt, request.path());
    }

    record TicketRequest(String path) {
    }
}
