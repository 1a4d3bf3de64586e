package io.vigil.testapp;

import io.vigil.platform.security.CurrentUser;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** Endpoints that show what the platform made of a request. */
@RestController
class ProbeController {

    /** Who the verified token says the caller is. */
    @GetMapping("/api/v1/probe/me")
    Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
        CurrentUser user = CurrentUser.of(jwt);
        return Map.of("user", user.id().value(), "roles", new TreeSet<>(user.roles().stream().map(Enum::name).toList()));
    }

    /** Admins only, by the platform's rule on /api/v1/admin/**. */
    @GetMapping("/api/v1/admin/probe")
    Map<String, Object> admin(@AuthenticationPrincipal Jwt jwt) {
        return Map.of("user", jwt.getSubject());
    }

    @PostMapping("/api/v1/probe/echo")
    EchoBody echo(@RequestBody EchoBody body) {
        return body;
    }

    @GetMapping(path = "/api/v1/probe/ticks", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> ticks() {
        return Flux.interval(Duration.ofMillis(10)).take(2).map(i -> ServerSentEvent.builder("tick " + i).build());
    }

    record EchoBody(String name, int count) {
    }
}
