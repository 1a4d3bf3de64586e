package io.vigil.command.trigger;

import io.vigil.command.CommandDispatcher;
import io.vigil.command.TriggerProperties;
import io.vigil.command.device.DeviceAuthentication;
import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.CreateTrigger;
import io.vigil.core.trigger.TriggerId;
import io.vigil.core.trigger.TriggerState;
import io.vigil.core.trigger.TriggerType;
import io.vigil.platform.security.CurrentUser;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The existing fleet's device protocol: a person triggers a capture, the device holds a Server-Sent Events stream of
 * its commands and acknowledges each, and anyone of the organisation sees which devices are connected.
 */
@RestController
@RequestMapping("/v1/devices")
class DeviceCommandController {
    private final CommandDispatcher dispatcher;
    private final DeviceAuthentication authentication;
    private final DeviceCommandStreams streams;
    private final JdbcTemplate jdbc;
    private final TriggerProperties properties;
    private final TriggerSteps steps;
    private final ObjectProvider<CommandPublisher> publishers;
    private final Clock clock = Clock.systemUTC();

    DeviceCommandController(CommandDispatcher dispatcher, DeviceAuthentication authentication,
                            DeviceCommandStreams streams, JdbcTemplate jdbc, TriggerProperties properties,
                            TriggerSteps steps, ObjectProvider<CommandPublisher> publishers) {
        this.steps = steps;
        this.publishers = publishers;
        this.dispatcher = dispatcher;
        this.authentication = authentication;
        this.streams = streams;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** A person asks for a capture now; answers the trigger and its state ({@code pending} until it goes out). */
    @PostMapping("/{id}/trigger")
    Mono<ResponseEntity<Map<String, Object>>> trigger(@PathVariable String id, @AuthenticationPrincipal Jwt jwt,
                                                      ServerWebExchange exchange) {
        OrgId org = CurrentUser.org(jwt);
        return Mono.fromCallable(() -> activeDevice(id, org)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(device -> {
                    // as PostgreSQL keeps it, so that the answer, the stream and a re-send say the same instant
                    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                    TriggerId triggerId = TriggerId.next(TriggerType.MANUAL);
                    var command = new CreateTrigger(triggerId, device, org, TriggerType.MANUAL, "manual", now,
                            now.plus(properties.manualTtl()), null);
                    return dispatcher.send(command, CurrentUser.of(jwt), exchange)
                            .doOnSuccess(done -> publishers.getIfAvailable(() -> CommandPublisher.NONE).publish(List.of(
                                    new CommandPublisher.OutgoingCommand(triggerId.value(), device.value(), "manual",
                                            "manual", now, command.expiresAt(), null, TriggerState.PENDING))))
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).body(answer(triggerId.value(),
                                    "pending", command.expiresAt())));
                });
    }

    /** The device's command stream: {@code event: capture}, {@code id} = the trigger id; a comment keeps it open. */
    @GetMapping(path = "/{id}/commands", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Map<String, Object>>> commands(@PathVariable String id, ServerWebExchange exchange) {
        return authentication.authenticate(exchange.getRequest(), id)
                .flatMapMany(device -> streams.open(device));
    }

    /** {@code {"status": "received" | "failed", "reason"?}}; no body means received. Answers the trigger's state. */
    @PostMapping("/{id}/commands/{triggerId}/ack")
    Mono<Map<String, Object>> ack(@PathVariable String id, @PathVariable String triggerId,
                                  @RequestBody(required = false) AckBody body, ServerWebExchange exchange) {
        boolean received = body == null || body.status() == null || parseAck(body.status());
        return authentication.authenticate(exchange.getRequest(), id).flatMap(device -> {
            var step = new TriggerSteps.Ack(trigger(triggerId), new DeviceId(id), received,
                    body == null ? null : body.reason());
            return Mono.fromFuture(() -> steps.submit(step))
                    .publishOn(Schedulers.boundedElastic())
                    .doOnNext(state -> streams.seen(id))
                    .map(state -> {
                        Map<String, Object> answer = new java.util.LinkedHashMap<>();
                        answer.put("trigger_id", triggerId);
                        answer.put("status", state.name().toLowerCase(Locale.ROOT));
                        return answer;
                    });
        });
    }

    /** The organisation's devices with an open connection on any instance, over any transport. */
    @GetMapping("/connected")
    Mono<Map<String, Object>> connected(@AuthenticationPrincipal Jwt jwt) {
        String org = CurrentUser.org(jwt).value();
        return Mono.fromCallable(() -> jdbc.queryForList("""
                        SELECT DISTINCT device_id FROM device_presence
                        WHERE org = ? AND (transport = 'mqtt' OR seen_at > now() - make_interval(secs => ?))
                        ORDER BY device_id""",
                        String.class, org, (double) properties.presenceTimeout().toSeconds()))
                .subscribeOn(Schedulers.boundedElastic())
                .map(ids -> Map.<String, Object>of("connected_devices", List.copyOf(ids)));
    }

    /** {@code {"trigger_id", "status", "expires_at"}}, in the existing fleet's order. */
    private static Map<String, Object> answer(String triggerId, String status, Instant expiresAt) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("trigger_id", triggerId);
        body.put("status", status);
        body.put("expires_at", expiresAt.toString());
        return body;
    }

    private DeviceId activeDevice(String id, OrgId org) {
        List<String> status = jdbc.queryForList("SELECT status FROM device_registry WHERE device_id = ? AND org = ?",
                String.class, id, org.value());
        if (status.isEmpty()) {
            throw DomainException.notFound("device_not_found", "No device '" + id + "'");
        }
        if (!status.get(0).equals("ACTIVE")) {
            throw DomainException.conflict("device_not_active", "Device '" + id + "' is "
                    + status.get(0).toLowerCase(Locale.ROOT) + ": only an active device can be triggered");
        }
        return new DeviceId(id);
    }

    private static TriggerId trigger(String id) {
        try {
            return new TriggerId(id);
        } catch (DomainException e) {
            throw DomainException.notFound("trigger_not_found", "No trigger '" + id + "'");
        }
    }

    private static boolean parseAck(String status) {
        return switch (status.trim().toLowerCase(Locale.ROOT)) {
            case "received" -> true;
            case "failed" -> false;
            default -> throw DomainException.invalid("invalid_status", "status must be received or failed, was '"
                    + status + "'");
        };
    }

    record AckBody(String status, String reason) {
    }
}
