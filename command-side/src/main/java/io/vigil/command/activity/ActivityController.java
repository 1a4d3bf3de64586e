package io.vigil.command.activity;

import io.vigil.command.admission.AdmissionLedger;
import io.vigil.command.admission.AdmissionLedger.SessionEntry;
import io.vigil.core.DomainException;
import io.vigil.core.session.RecordActivity;
import io.vigil.core.session.SessionId;
import io.vigil.platform.security.CurrentUser;
import io.vigil.platform.security.JwtSecurityConfiguration;
import io.vigil.platform.security.TokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The second activity signal: heartbeats from an agent inside the guest, which knows when the user last typed or
 * moved the mouse. The agent authenticates as its session with a token the owner fetches for it.
 */
@RestController
@RequestMapping("/api/v1/sessions/{id}")
class ActivityController {
    /** Clocks differ: input reported a little in the future is taken as now, further is refused. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(2);
    private final ActivityLedger activity;
    private final AdmissionLedger sessions;
    private final CommandGateway commands;
    private final TokenIssuer tokens;
    private final Clock clock;

    ActivityController(ActivityLedger activity, AdmissionLedger sessions, CommandGateway commands, TokenIssuer tokens,
                       Clock clock) {
        this.activity = activity;
        this.sessions = sessions;
        this.commands = commands;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** {@code {"last_input_at": ...}}; without a body, input happened now. Answers 204. */
    @PostMapping("/activity")
    Mono<ResponseEntity<Void>> heartbeat(@PathVariable String id, @RequestBody(required = false) Heartbeat body,
                                         @AuthenticationPrincipal Jwt jwt) {
        SessionId sessionId = new SessionId(id);
        if (!id.equals(jwt.getClaimAsString(JwtSecurityConfiguration.SESSION_CLAIM))) {
            throw DomainException.forbidden("wrong_session", "This agent token belongs to another session");
        }
        Instant now = clock.instant();
        Instant lastInput = body == null || body.lastInputAt() == null ? now : body.lastInputAt();
        if (lastInput.isAfter(now.plus(CLOCK_SKEW))) {
            throw DomainException.invalid("invalid_last_input_at", "last_input_at lies in the future: " + lastInput);
        }
        Instant seen = lastInput.isAfter(now) ? now : lastInput;
        return Mono.fromCallable(() -> {
            ActivityLedger.Watched watched = activity.heartbeat(sessionId, seen).orElseThrow(() -> DomainException.conflict(
                    "session_not_active", "Session " + id + " is not active; heartbeats count only while it is"));
            if (watched.activeSinceWarning()) {
                commands.sendAndWait(new RecordActivity(sessionId, seen));
            }
            return ResponseEntity.noContent().<Void>build();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** A token for the session's in-guest agent, valid until the session's end time. Owner or admin. */
    @PostMapping("/agent-token")
    Mono<ResponseEntity<AgentToken>> agentToken(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
        CurrentUser user = CurrentUser.of(jwt);
        SessionId sessionId = new SessionId(id);
        return Mono.fromCallable(() -> {
            SessionEntry session = sessions.session(sessionId).orElseThrow(() -> DomainException.notFound(
                    "session_not_found", "No session " + id));
            if (!user.admin() && !session.owner().equals(user.id())) {
                throw DomainException.forbidden("not_session_owner", "Session " + id + " belongs to someone else");
            }
            if (!session.live() || session.expiresAt() == null) {
                throw DomainException.conflict("session_not_running", "Session " + id + " is over");
            }
            var token = tokens.issueForSession(id, session.expiresAt());
            return ResponseEntity.status(201).body(new AgentToken(token.token(), token.expiresAt(),
                    "/api/v1/sessions/" + id + "/activity"));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    record Heartbeat(Instant lastInputAt) {
    }

    record AgentToken(String token, Instant expiresAt, String heartbeatUrl) {
    }
}
