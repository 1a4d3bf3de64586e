package io.vigil.simulators.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
  * What a simulator answers. The reason phrase matters: Proxmox puts its error message there, and
  * clients must be tested against that.
  *
  * @param body JSON-serialisable value, or null for an empty body
  */
public record SimReply(int status, String reason, Object body) {

    public static SimReply ok(Object body) {
        return new SimReply(200, "OK", body);
    }

    public static SimReply noContent() {
        return new SimReply(204, "No Content", null);
    }

    public static SimReply of(int status, Object body) {
        return new SimReply(status, HttpResponseStatus.valueOf(status).reasonPhrase(), body);
    }

    public HttpResponseStatus nettyStatus() {
        return new HttpResponseStatus(status, reason);
    }
}
