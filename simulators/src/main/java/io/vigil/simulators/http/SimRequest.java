package io.vigil.simulators.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
  * A fully received request: path segments are already percent-decoded one by one, so that values
  * such as UPIDs (which contain ':' '@' '!') arrive intact whether or not the client encoded them.
  *
  * @param params query parameters merged with form (or top-level JSON) body fields; body wins
  * @param json   the body parsed as JSON when it is JSON, else a missing node
  */
public record SimRequest(HttpMethod method, List<String> segments, Map<String, String> params,
                                                  HttpHeaders headers, JsonNode json) {

    public boolean is(HttpMethod expected, String... pattern) {
        return method.equals(expected) && matches(pattern);
    }

    /** Pattern segments match literally, except "*" which matches any one segment. */
    public boolean matches(String... pattern) {
        if (pattern.length != segments.size()) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (!"*".equals(pattern[i]) && !pattern[i].equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    public String segment(int index) {
        return segments.get(index);
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    public String path() {
        return "/" + String.join("/", segments);
    }
}
