package io.vigil.simulators.vision;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.http.SimHttp;
import io.vigil.simulators.http.SimReply;
import io.vigil.simulators.http.SimRequest;
import io.vigil.simulators.vision.VisionSimConfig.Faults;

/**
 * An in-process vision service speaking the contract Vigil's {@code http} evaluator calls:
 * {@code POST /vision/process} with {@code {"frameBase64", "timestamp", "enabledModels"}}, answering detections,
 * keypoints, actions, objects and suggested events. It decodes the frame for real (400 for one that is not an
 * image) and finds "a person" with {@link VisionModels}' brightness heuristic. Latency and faults (503, 429,
 * connection reset, non-JSON 200) make a client's failure handling testable; {@code /sim/config} and
 * {@code /health} are never faulted.
 *
 * <pre>{@code
 * try (VisionSimulator sim = VisionSimulator.start(VisionSimConfig.defaults())) {
 *   sim.baseUrl(); // http://127.0.0.1:PORT, the API is /vision/process
 * }
 * }</pre>
 */
public final class VisionSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VisionSimulator.class);

    private enum Fault { NONE, UNAVAILABLE, TOO_MANY_REQUESTS, RESET, MALFORMED }

    // Own event loops: a Spring context in the same JVM disposes Reactor Netty's global ones when it closes.
    private final LoopResources loops = LoopResources.create("vision-sim", 1, true);
    private final VisionSimConfig config;
    private final Random random;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Duration latency;
    private volatile Faults faults;
    private final DisposableServer http;

    private VisionSimulator(VisionSimConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        this.latency = config.latency();
        this.faults = config.faults();
        this.http = HttpServer.create().runOn(loops).host(config.host()).port(config.port())
                .handle(this::route)
                .bindNow();
    }

    public static VisionSimulator start(VisionSimConfig config) {
        VisionSimulator sim = new VisionSimulator(config);
        log.info("Vision simulator listening on {} (POST /vision/process)", sim.baseUrl());
        return sim;
    }

    public static VisionSimulator start() {
        return start(VisionSimConfig.defaults());
    }

    /** e.g. {@code http://127.0.0.1:PORT}; the API is {@code /vision/process}. */
    public String baseUrl() {
        return "http://" + config.host() + ":" + http.port();
    }

    public int port() {
        return http.port();
    }

    /** The configuration as it is now, with the latency and faults set since start. */
    public VisionSimConfig config() {
        return config.withLatency(latency).withFaults(faults);
    }

    /** How many {@code /vision/process} requests arrived, faulted ones included. */
    public int requests() {
        return requests.get();
    }

    public void setLatency(Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or positive");
        }
        latency = value;
    }

    public void setFaults(Faults value) {
        faults = Objects.requireNonNull(value, "faults");
    }

    private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response) {
        String path = new QueryStringDecoder(request.uri()).path();
        if ("/vision/process".equals(path) && HttpMethod.POST.equals(request.method())) {
            return process(request, response);
        }
        return SimHttp.serve(request, response, this::control);
    }

    private Publisher<Void> process(HttpServerRequest request, HttpServerResponse response) {
        requests.incrementAndGet();
        Fault fault = draw();
        Duration delay = latency;
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .delayUntil(body -> delay.isZero() ? Mono.empty() : Mono.delay(delay))
                .flatMap(body -> switch (fault) {
                    case RESET -> reset(response);
                    case UNAVAILABLE -> write(response, VisionError.of(503, "unavailable",
                            "models are loading, try again later").toReply());
                    case TOO_MANY_REQUESTS -> write(response, VisionError.of(429, "too_many_requests",
                            "frame queue is full").toReply());
                    case MALFORMED -> response.status(200)
                            .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .sendString(Mono.just("{\"detections\": [{\"class\": \"person\", \"conf")).then();
                    case NONE -> Mono.fromCallable(() -> answer(body))
                            .subscribeOn(Schedulers.boundedElastic()) // decoding a frame must not hold the event loop
                            .flatMap(reply -> write(response, reply));
                });
    }

    private SimReply answer(String body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            JsonNode frame = json.path("frameBase64");
            if (!frame.isString() || frame.asString().isEmpty()) {
                throw VisionError.badRequest("invalid_request", "frameBase64 is required");
            }
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(frame.asString());
            } catch (IllegalArgumentException e) {
                throw VisionError.badRequest("invalid_frame", "frameBase64 is not base64: " + e.getMessage());
            }
            List<String> requested = new ArrayList<>();
            json.path("enabledModels").forEach(m -> requested.add(m.asString()));
            long started = System.nanoTime();
            var models = VisionModels.models(requested);
            var answer = VisionModels.process(VisionModels.decode(bytes), models);
            answer.put("timestamp", json.path("timestamp").asString(""));
            answer.put("processingTimeMs", (System.nanoTime() - started) / 1_000_000);
            return SimReply.ok(answer);
        } catch (JacksonException e) {
            return VisionError.badRequest("invalid_json", "the body is not JSON: " + e.getOriginalMessage())
                    .toReply();
        } catch (VisionError e) {
            return e.toReply();
        }
    }

    private Fault draw() {
        Faults f = faults;
        if (roll(f.unavailable())) {
            return Fault.UNAVAILABLE;
        }
        if (roll(f.tooManyRequests())) {
            return Fault.TOO_MANY_REQUESTS;
        }
        if (roll(f.reset())) {
            return Fault.RESET;
        }
        return roll(f.malformed()) ? Fault.MALFORMED : Fault.NONE;
    }

    private boolean roll(double rate) {
        return rate > 0 && (rate >= 1 || random.nextDouble() < rate);
    }

    /** SO_LINGER 0 then close: the client sees a TCP reset, not a clean end of stream. */
    private static Mono<Void> reset(HttpServerResponse response) {
        return Mono.fromRunnable(() -> response.withConnection(connection -> {
            connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            connection.channel().close();
        }));
    }

    private static Mono<Void> write(HttpServerResponse response, SimReply reply) {
        return response.status(new HttpResponseStatus(reply.status(), reply.reason()))
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json;charset=UTF-8")
                .sendString(Mono.just(Json.MAPPER.writeValueAsString(reply.body()))).then();
    }

    /** {@code GET /health}; {@code GET|PUT /sim/config {"latencyMs": 0, "faults": {"unavailable": 0.1, ...}}}. */
    private SimReply control(SimRequest r) {
        if (r.is(GET, "health")) {
            return SimReply.ok(Json.object().put("status", "ok").put("models_loaded", true));
        }
        if (r.is(GET, "sim", "config")) {
            return SimReply.ok(controlView());
        }
        if (r.is(PUT, "sim", "config")) {
            try {
                JsonNode body = r.json();
                if (body.path("latencyMs").isNumber()) {
                    setLatency(Duration.ofMillis(body.path("latencyMs").asLong()));
                }
                JsonNode f = body.path("faults");
                if (f.isObject()) {
                    Faults old = faults;
                    setFaults(new Faults(f.path("unavailable").asDouble(old.unavailable()),
                            f.path("tooManyRequests").asDouble(old.tooManyRequests()),
                            f.path("reset").asDouble(old.reset()), f.path("malformed").asDouble(old.malformed())));
                }
            } catch (IllegalArgumentException e) {
                return SimReply.of(400, VisionError.body("invalid_config", e.getMessage()));
            }
            return SimReply.ok(controlView());
        }
        return SimReply.of(404, VisionError.body("not_found", "not found: " + r.path()));
    }

    private Object controlView() {
        var view = Json.object().put("latencyMs", latency.toMillis());
        view.set("faults", Json.MAPPER.valueToTree(faults));
        ArrayNode models = view.putArray("models");
        VisionModels.KNOWN.forEach(models::add);
        return view;
    }

    @Override
    public void close() {
        http.disposeNow();
        // No quiet period: nothing is left to drain once the server is disposed, and tests start one per case.
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
}
