package io.vigil.command.session;

import io.vigil.command.CommandDispatcher;
import io.vigil.command.admission.SessionAdmission.AdmittedSession;
import io.vigil.core.DomainException;
import io.vigil.core.session.EndSession;
import io.vigil.core.session.HibernateSession;
import io.vigil.core.session.ResumeSession;
import io.vigil.core.session.RequestSession;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionType;
import io.vigil.core.template.TemplateId;
import io.vigil.platform.security.CurrentUser;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Requesting, hibernating, resuming and ending sessions. Reading them is the query side's job ({@code GET /api/v1/sessions...}). */
@RestController
@RequestMapping("/api/v1/sessions")
class SessionCommandController {
    private final CommandDispatcher dispatcher;

    SessionCommandController(CommandDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @PostMapping
    Mono<ResponseEntity<AcceptedSession>> request(@RequestBody(required = false) SessionRequestBody body,
                                                  @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        CurrentUser user = CurrentUser.of(jwt);
        RequestSession command = body == null ? missingBody() : body.toCommand(user);
        return dispatcher.<AdmittedSession>send(command, user, exchange).map(admitted -> ResponseEntity
                .accepted()
                .location(URI.create("/api/v1/sessions/" + admitted.sessionId()))
                .body(AcceptedSession.of(admitted)));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<SessionState>> end(@PathVariable String id, @AuthenticationPrincipal Jwt jwt,
                                           ServerWebExchange exchange) {
        CurrentUser user = CurrentUser.of(jwt);
        return accepted(new EndSession(new SessionId(id), user.id(), user.admin()), id, user, exchange);
    }

    /** Suspends an active session to disk now: its quota is free until it is resumed. */
    @PostMapping("/{id}/hibernate")
    Mono<ResponseEntity<SessionState>> hibernate(@PathVariable String id, @AuthenticationPrincipal Jwt jwt,
                                                 ServerWebExchange exchange) {
        CurrentUser user = CurrentUser.of(jwt);
        return accepted(new HibernateSession(new SessionId(id), user.id(), user.admin()), id, user, exchange);
    }

    /** Brings a hibernating session back; a second request while it resumes answers the same and does nothing. */
    @PostMapping("/{id}/resume")
    Mono<ResponseEntity<SessionState>> resume(@PathVariable String id, @AuthenticationPrincipal Jwt jwt,
                                              ServerWebExchange exchange) {
        CurrentUser user = CurrentUser.of(jwt);
        return accepted(new ResumeSession(new SessionId(id), user.id(), user.admin()), id, user, exchange);
    }

    private Mono<ResponseEntity<SessionState>> accepted(Object command, String id, CurrentUser user,
                                                        ServerWebExchange exchange) {
        return dispatcher.<Object>send(command, user, exchange).map(status -> ResponseEntity.accepted()
                .location(URI.create("/api/v1/sessions/" + id))
                .body(new SessionState(id, String.valueOf(status).toLowerCase(Locale.ROOT))));
    }

    private static RequestSession missingBody() {
        throw DomainException.invalid("invalid_body",
                "a JSON body {\"template_id\", \"duration_minutes\", \"session_type\"} is required");
    }

    /** A new VM from {@code template_id}, or ({@code from_vm}) one of the caller's kept VMs, which skips the clone. */
    record SessionRequestBody(String templateId, Integer durationMinutes, String sessionType, String fromVm) {
        RequestSession toCommand(CurrentUser user) {
            if (durationMinutes == null) {
                throw DomainException.invalid("invalid_duration_minutes", "duration_minutes is required (30-240)");
            }
            if (fromVm != null && templateId != null) {
                throw DomainException.invalid("invalid_body", "give template_id or from_vm, not both");
            }
            return new RequestSession(SessionId.generate(), user.id(),
                    templateId == null ? null : new TemplateId(templateId), durationMinutes, sessionType(sessionType),
                    fromVm);
        }

        private static SessionType sessionType(String text) {
            if (text == null) {
                return SessionType.EPHEMERAL;
            }
            try {
                return SessionType.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw DomainException.invalid("invalid_session_type", "session_type must be ephemeral or persistent");
            }
        }
    }

    /** The same shape as the query side's session view, as it stands at admission. */
    record AcceptedSession(String id, String status, TemplateView template, String nodeName, Instant expiresAt,
                           long timeRemainingSeconds, String guacamoleUrl) {
        static AcceptedSession of(AdmittedSession s) {
            return new AcceptedSession(s.sessionId().value(), "provisioning",
                    new TemplateView(s.template().name(), s.template().osType().name().toLowerCase(Locale.ROOT),
                            s.template().protocol().wireName()),
                    s.node().value(), s.expiresAt(),
                    Math.max(0, Duration.between(Instant.now(), s.expiresAt()).toSeconds()), null);
        }
    }

    record TemplateView(String name, String osType, String protocol) {
    }

    /** The session's status once the command was taken; follow {@code /api/v1/sessions/{id}/events} from there. */
    record SessionState(String id, String status) {
    }
}
