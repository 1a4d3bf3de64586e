package io.vigil.command.capture;

import io.vigil.command.CaptureProperties;
import io.vigil.command.device.DeviceAuthentication;
import io.vigil.core.DomainException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.FormPartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/captures}: the existing fleet's JSON upload (the image in base64) and a multipart upload (the
 * image as a file part, the same fields beside it), authenticated by the device's key. The body is read with a
 * limit of its own (the image limit, not the codecs' 256 KB), and refused with 413 as soon as it passes it.
 */
@RestController
class CaptureUploadController {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final int FIELDS_LIMIT = 64 * 1024;
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s");
    private final DeviceAuthentication authentication;
    private final CaptureUploads uploads;
    private final CaptureProperties properties;
    private final JsonMapper json;

    CaptureUploadController(DeviceAuthentication authentication, CaptureUploads uploads, CaptureProperties properties,
                            JsonMapper json) {
        this.authentication = authentication;
        this.uploads = uploads;
        this.properties = properties;
        this.json = json;
    }

    @PostMapping(path = "/v1/captures", consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.MULTIPART_FORM_DATA_VALUE})
    Mono<ResponseEntity<Map<String, Object>>> upload(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        long maxImage = properties.maxImageSize().toBytes();
        boolean multipart = MediaType.MULTIPART_FORM_DATA.isCompatibleWith(request.getHeaders().getContentType());
        long maxBody = (multipart ? maxImage : (maxImage + 2) / 3 * 4) + FIELDS_LIMIT;
        if (request.getHeaders().getContentLength() > maxBody) {
            return Mono.error(tooLarge());
        }
        String idempotencyKey = request.getHeaders().getFirst(IDEMPOTENCY_KEY);
        return authentication.authenticate(request)
                .flatMap(device -> (multipart ? multipart(exchange, maxImage) : json(request, maxBody, maxImage))
                        .map(body -> new CaptureUploads.Request(body.deviceId, body.triggerId, body.image,
                                body.declaredType, body.capturedAt, body.label, body.metadata, idempotencyKey))
                        .flatMap(upload -> uploads.upload(device, upload)))
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                // refused before its body was read to the end: the rest of it must not be read as the next request
                .doOnError(e -> exchange.getResponse().getHeaders().setConnection("close"))
                .map(answer -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("record_id", answer.captureId());
                    body.put("status", "uploaded");
                    body.put("evaluation_status", answer.evaluationStatus());
                    ResponseEntity.BodyBuilder ok = ResponseEntity.status(HttpStatus.OK);
                    if (answer.repeat()) {
                        ok.header("Idempotent-Replayed", "true");
                    }
                    return ok.body(body);
                });
    }

    /** The fields of either shape. */
    private static final class Body {
        String deviceId;
        String triggerId;
        byte[] image;
        String declaredType;
        String capturedAt;
        String label;
        Map<String, String> metadata = Map.of();
    }

    private Mono<Body> json(ServerHttpRequest request, long maxBody, long maxImage) {
        return DataBufferUtils.join(request.getBody(), (int) Math.min(Integer.MAX_VALUE, maxBody))
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .switchIfEmpty(Mono.error(() -> DomainException.invalid("invalid_request", "The request body is empty")))
                .map(bytes -> {
                    JsonNode node;
                    try {
                        node = json.readTree(bytes);
                    } catch (JacksonException e) {
                        throw DomainException.invalid("invalid_request", "The request body is not valid JSON");
                    }
                    if (node == null || !node.isObject()) {
                        throw DomainException.invalid("invalid_request", "The request body must be a JSON object");
                    }
                    Body body = new Body();
                    body.deviceId = text(node, "device_id");
                    body.triggerId = text(node, "trigger_id");
                    body.capturedAt = text(node, "captured_at");
                    body.label = text(node, "trigger_label");
                    body.metadata = metadata(node.get("metadata"));
                    String base64 = text(node, "image_base64");
                    if (base64 == null || base64.isBlank()) {
                        throw DomainException.invalid("invalid_image_base64", "image_base64 is required");
                    }
                    body.image = base64(base64, maxImage);
                    return body;
                });
    }

    private Mono<Body> multipart(ServerWebExchange exchange, long maxImage) {
        PartEventHttpMessageReader reader = new PartEventHttpMessageReader();
        reader.setMaxHeadersSize(8 * 1024);
        reader.setMaxInMemorySize(FIELDS_LIMIT);
        Body body = new Body();
        Map<String, String> fields = new LinkedHashMap<>();
        Flux<PartEvent> events = reader.read(ResolvableType.forClass(PartEvent.class), exchange.getRequest(), Map.of());
        return events.windowUntil(PartEvent::isLast)
                .concatMap(part -> part.switchOnFirst((first, all) -> {
                    if (!first.hasValue()) {
                        return Mono.empty();
                    }
                    PartEvent event = first.get();
                    if (event instanceof FilePartEvent file) {
                        if (body.image != null) {
                            return all.doOnNext(e -> DataBufferUtils.release(e.content())).then();
                        }
                        body.declaredType = ImageInspector.declaredType(
                                file.headers().getContentType() == null ? null : file.headers().getContentType().toString(),
                                file.filename());
                        long[] seen = {0};
                        return DataBufferUtils.join(all.map(PartEvent::content).<DataBuffer>handle((buffer, sink) -> {
                                    seen[0] += buffer.readableByteCount();
                                    if (seen[0] > maxImage) {
                                        DataBufferUtils.release(buffer);
                                        sink.error(tooLarge());
                                    } else {
                                        sink.next(buffer);
                                    }
                                }))
                                .doOnNext(buffer -> {
                                    try {
                                        body.image = new byte[buffer.readableByteCount()];
                                        buffer.read(body.image);
                                    } finally {
                                        DataBufferUtils.release(buffer);
                                    }
                                }).then();
                    }
                    if (event instanceof FormPartEvent form) {
                        fields.put(form.name(), form.value());
                    }
                    return all.doOnNext(e -> DataBufferUtils.release(e.content())).then();
                }))
                .then(Mono.fromCallable(() -> {
                    body.deviceId = fields.get("device_id");
                    body.triggerId = fields.get("trigger_id");
                    body.capturedAt = fields.get("captured_at");
                    body.label = fields.get("trigger_label");
                    if (fields.containsKey("metadata")) {
                        try {
                            body.metadata = metadata(json.readTree(fields.get("metadata")));
                        } catch (JacksonException e) {
                            throw DomainException.invalid("invalid_metadata", "metadata must be a JSON object");
                        }
                    }
                    if (body.image == null && fields.containsKey("image_base64")) {
                        body.image = base64(fields.get("image_base64"), maxImage);
                    }
                    if (body.image == null) {
                        throw DomainException.invalid("invalid_image", "The image is missing: send it as a file part"
                                + " (e.g. -F image=@frame.jpg)");
                    }
                    return body;
                }));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw DomainException.invalid("invalid_" + field, field + " must be a string");
        }
        return value.asString();
    }

    /** Flat string values; numbers and booleans are kept as their text, nested values as their JSON. */
    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw DomainException.invalid("invalid_metadata", "metadata must be a JSON object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (var field : node.properties()) {
            JsonNode v = field.getValue();
            result.put(field.getKey(), v.isNull() ? null : v.isValueNode() ? v.asString() : v.toString());
        }
        return result;
    }

    /** Standard base64, a {@code data:image/...;base64,} prefix and line breaks allowed. */
    static byte[] base64(String text, long maxImage) {
        String data = text.startsWith("data:") && text.indexOf(',') > 0 ? text.substring(text.indexOf(',') + 1) : text;
        if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0 || data.indexOf(' ') >= 0 || data.indexOf('\t') >= 0) {
            data = WHITESPACE.matcher(data).replaceAll("");
        }
        if ((long) data.length() / 4 * 3 > maxImage + 2) {
            throw tooLarge();
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(data);
            if (bytes.length > maxImage) {
                throw tooLarge();
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("invalid_image_base64", "image_base64 is not valid base64");
        }
    }

    private static DomainException tooLarge() {
        return DomainException.tooLarge("image_too_large", "The image is larger than the limit (vigil.captures"
                + ".max-image-size)");
    }
}
