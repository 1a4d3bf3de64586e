package io.vigil.command.capture.evaluation;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.core.capture.EvaluationResult;

/**
 * Sends each capture to an external vision service ({@code POST {baseUrl}/vision/process}, the contract the
 * existing fleet's service speaks) for object recognition the CPU evaluator cannot do. The service is another
 * process on the network, so every way it can fail is sorted for the caller: unreachable, timed out, 5xx, 408 or
 * 429 are transient (retry later); any other answer but 2xx, or a 2xx that is not JSON, is permanent (sending the
 * same frame again would be refused again). The previous image is not sent: the contract has no place for it.
 *
 * <p>Synchronous on purpose: the evaluation worker calls it on its own bounded pool, so the number of frames in
 * flight to the service is that pool's size. The timeout covers the whole exchange, connect to last byte.
 */
public final class HttpVisionEvaluator implements Evaluator {

    public static final String NAME = "http";

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Logger log = LoggerFactory.getLogger(HttpVisionEvaluator.class);

    /** Enough of an error body to say what went wrong, not a whole HTML error page in an event. */
    private static final int MAX_DETAIL = 200;

    private final URI endpoint;
    private final Duration timeout;
    private final List<String> models;
    private final HttpClient client;

    /**
     * @param baseUrl the service's root, e.g. {@code http://vision:8090}; {@code /vision/process} is appended
     * @param models  sent as {@code enabledModels}; empty leaves the choice to the service
     */
    public HttpVisionEvaluator(URI baseUrl, Duration connectTimeout, Duration timeout, List<String> models) {
        this.endpoint = URI.create(baseUrl.toString().replaceAll("/+$", "") + "/vision/process");
        this.timeout = timeout;
        this.models = List.copyOf(models);
        // HTTP/1.1: a plain-http service must not be asked to upgrade to h2c in the middle of a 2 MB POST.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public EvaluationResult evaluate(EvaluationInput input) {
        long started = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(input))).build();
        HttpResponse<String> response = send(request);
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            boolean retry = status >= 500 || status == 429 || status == 408;
            String reason = retry ? "vision service answered " + status : "vision service refused the frame: " + status;
            throw new EvaluationException(reason + detail(response.body()), retry);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw EvaluationException.permanent("vision service answered malformed JSON: "
                    + clip(e.getOriginalMessage()), e);
        }
        if (answer == null || !answer.isObject()) {
            throw EvaluationException.permanent("vision service answered JSON that is not an object", null);
        }
        double elapsedMs = Math.round((System.nanoTime() - started) / 1e4) / 100.0;
        return VisionAnswer.toResult(NAME, answer, elapsedMs);
    }

    private byte[] body(EvaluationInput input) {
        ObjectNode body = JSON.createObjectNode();
        body.put("frameBase64", Base64.getEncoder().encodeToString(input.image()));
        body.put("timestamp", input.capturedAt().toString());
        ArrayNode enabled = body.putArray("enabledModels");
        models.forEach(enabled::add);
        return JSON.writeValueAsBytes(body);
    }

    /** sendAsync and a bounded wait, so that the timeout holds for the body too, not only until the headers. */
    private HttpResponse<String> send(HttpRequest request) {
        CompletableFuture<HttpResponse<String>> call =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw EvaluationException.transientFailure("vision service timed out after " + human(timeout), e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw EvaluationException.transientFailure("interrupted while waiting for the vision service", e);
        } catch (ExecutionException e) {
            throw transport(e.getCause() == null ? e : e.getCause());
        }
    }

    private EvaluationException transport(Throwable error) {
        if (error instanceof HttpConnectTimeoutException) {
            return EvaluationException.transientFailure("vision service unavailable: connect timed out", error);
        }
        if (error instanceof HttpTimeoutException) {
            return EvaluationException.transientFailure("vision service timed out after " + human(timeout), error);
        }
        if (error instanceof ConnectException) {
            return EvaluationException.transientFailure("vision service unavailable: " + message(error,
                    "connection refused"), error);
        }
        if (error instanceof IOException) {
            return EvaluationException.transientFailure("vision service unavailable: " + message(error,
                    "connection lost"), error);
        }
        // A bug on our side (e.g. an illegal header): retrying will not help.
        log.warn("vision request to {} failed", endpoint, error);
        return EvaluationException.permanent("vision request failed: " + message(error, error.getClass().getName()),
                error);
    }

    /**
     * What went wrong on the connection, in plain words: the JDK's messages are often null at the top of the
     * cause chain, or an implementation detail ("HTTP/1.1 header parser received no bytes").
     */
    private static String message(Throwable error, String fallback) {
        String text = null;
        for (Throwable t = error; t != null && text == null; t = t.getCause()) {
            text = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
        }
        if (text == null) {
            return fallback;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("connection refused")) {
            return "connection refused";
        }
        if (lower.contains("connection reset")) {
            return "connection reset";
        }
        if (lower.contains("received no bytes") || lower.contains("eof")) {
            return "connection closed before an answer";
        }
        return clip(text);
    }

    /** The service's own error message when it gave one in JSON ({@code error.message}, {@code message}). */
    private static String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode json = JSON.readTree(body);
            JsonNode message = json.path("error").isObject() ? json.path("error").path("message")
                    : json.has("message") ? json.path("message") : json.path("error");
            if (message.isString() && !message.asString().isBlank()) {
                return ": " + clip(message.asString());
            }
        } catch (JacksonException notJson) {
            // a proxy's plain-text or HTML page: its text is the best there is
        }
        return ": " + clip(body.strip());
    }

    private static String clip(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "...";
    }

    private static String human(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
