package io.vigil.command.mqtt;

import io.vigil.command.MqttProperties;
import io.vigil.command.mqtt.MqttAccessPolicy.Access;
import io.vigil.core.DomainException;
import io.vigil.core.Rejection;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Authentication and authorisation for an external broker, in the shape of EMQX 5's HTTP authenticator and HTTP
 * authoriser, decided by the same {@link MqttAccessPolicy} as the embedded broker. The broker is configured with
 * <pre>
 * POST /api/v1/mqtt/auth  {"username": "${username}", "password": "${password}", "clientid": "${clientid}"}
 * POST /api/v1/mqtt/acl   {"username": "${username}", "clientid": "${clientid}", "topic": "${topic}", "action": "${action}"}
 * </pre>
 * and the header {@code Authorization: Bearer <vigil.mqtt.auth-endpoint-secret>}. Both answer 200 with
 * {@code {"result": "allow"}} or {@code {"result": "deny"}}; an allowed CONNECT adds {@code "is_superuser": false}
 * (never true: every client's topics are checked). A missing or wrong secret is a 401, which EMQX reads as "ignore",
 * so the broker must refuse what nobody allowed: no other authenticator admitting anyone, and
 * {@code authorization.no_match = deny}.
 */
@RestController
@RequestMapping(path = "/api/v1/mqtt", produces = MediaType.APPLICATION_JSON_VALUE)
public class MqttAuthController {
    private static final Map<String, Object> AUTH_ALLOW = Map.of("result", "allow", "is_superuser", false);
    private static final Map<String, Object> ALLOW = Map.of("result", "allow");
    private static final Map<String, Object> DENY = Map.of("result", "deny");
    private final MqttAccessPolicy policy;
    private final byte[] secretDigest;

    public MqttAuthController(MqttAccessPolicy policy, MqttProperties properties) {
        this.policy = policy;
        String secret = properties.authEndpointSecret();
        this.secretDigest = secret == null || secret.isBlank() ? null : MqttAccessPolicy.sha256(secret);
    }

    /** A CONNECT: the cloud by its password, a device by its id and key, using its id as client id. */
    @PostMapping("/auth")
    public Mono<Map<String, Object>> authenticate(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                                  @RequestBody Mono<AuthRequest> request) {
        return checkSecret(authorization).then(request)
                .flatMap(r -> Mono.fromCallable(() -> policy.authenticate(r.username(), r.password()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .map(access -> access != Access.DENIED && policy.mayUseClientId(access, r.username(), r.clientid())
                                ? AUTH_ALLOW : DENY));
    }

    /** A PUBLISH or SUBSCRIBE ({@code action} {@code publish} or {@code subscribe}) of an authenticated client. */
    @PostMapping("/acl")
    public Mono<Map<String, Object>> authorize(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                               @RequestBody Mono<AclRequest> request) {
        return checkSecret(authorization).then(request).map(r -> {
            Access access = policy.authenticated(r.username());
            boolean allowed = policy.mayUseClientId(access, r.username(), r.clientid()) && switch (String.valueOf(r.action())) {
                case "publish" -> policy.mayPublish(access, r.username(), r.topic());
                case "subscribe" -> policy.maySubscribe(access, r.username(), r.topic());
                default -> false;
            };
            return allowed ? ALLOW : DENY;
        });
    }

    private Mono<Void> checkSecret(String authorization) {
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        if (secretDigest == null || !bearer
                || !MessageDigest.isEqual(secretDigest, MqttAccessPolicy.sha256(authorization.substring(7).trim()))) {
            return Mono.error(new DomainException(Rejection.UNAUTHENTICATED, "broker_unauthenticated",
                    "A broker must present the configured secret as Authorization: Bearer"));
        }
        return Mono.empty();
    }

    /** EMQX's authentication request, with the placeholders above. */
    public record AuthRequest(String username, String password, String clientid) {
    }

    /** EMQX's authorisation request, with the placeholders above. */
    public record AclRequest(String username, String clientid, String topic, String action) {
    }
}
