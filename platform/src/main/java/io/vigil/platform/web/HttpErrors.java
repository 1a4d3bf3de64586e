package io.vigil.platform.web;

import java.util.Map;

/**
 * The code and message of each refusal the framework or the server decides (an unknown path, a wrong method, a
 * request line too long, ...). Fixed sentences: never a framework's reason text, which can name classes.
 */
public final class HttpErrors {
    public static final String UNAVAILABLE_MESSAGE = "A service this request needs is not available; try again shortly";
    private static final Map<Integer, Entry> BY_STATUS = Map.ofEntries(
            Map.entry(400, new Entry("invalid_request", "The request is not valid")),
            Map.entry(401, new Entry("unauthenticated", "A valid bearer token is required")),
            Map.entry(403, new Entry("forbidden", "Your role does not allow this")),
            Map.entry(404, new Entry("not_found", "There is nothing at this path")),
            Map.entry(405, new Entry("method_not_allowed", "This path does not take that method")),
            Map.entry(406, new Entry("not_acceptable", "This path cannot answer in a media type the Accept header allows")),
            Map.entry(408, new Entry("request_timeout", "The request took too long to arrive")),
            Map.entry(409, new Entry("conflict", "The request conflicts with the current state")),
            Map.entry(413, new Entry("payload_too_large", "The request body is larger than this service accepts")),
            Map.entry(414, new Entry("uri_too_long", "The request line is longer than this service accepts")),
            Map.entry(415, new Entry("unsupported_media_type", "Content-Type must be application/json")),
            Map.entry(429, new Entry("too_many_requests", "Too many requests; try again later")),
            Map.entry(431, new Entry("headers_too_large", "The request headers are larger than this service accepts")),
            Map.entry(500, new Entry("internal_error", "Something went wrong on our side")),
            Map.entry(503, new Entry("unavailable", UNAVAILABLE_MESSAGE)));

    private HttpErrors() {
    }

    public static ApiError of(int status) {
        Entry entry = BY_STATUS.get(status);
        if (entry == null) {
            entry = status >= 500 ? BY_STATUS.get(500) : new Entry("request_refused", "The request was refused");
        }
        return ApiError.of(entry.code(), entry.message(), Map.of());
    }

    public static String code(int status) {
        return of(status).error().code();
    }

    private record Entry(String code, String message) {
    }
}
