package io.vigil.platform.web;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/** Installs {@link MalformedRequestHandler} on every HTTP/1.1 connection of the embedded Netty server. */
@Component
class NettyErrorEnvelope implements NettyServerCustomizer {
    static final String HANDLER = "vigil.malformedRequest";
    private final ApiErrorWriter errors;

    NettyErrorEnvelope(ApiErrorWriter errors) {
        this.errors = errors;
    }

    /** 414 and 431 say which limit was hit; any other refusal here is a 400 for bytes that are not HTTP. */
    static ApiError envelope(int status) {
        return status == 400
                ? ApiError.of("malformed_request", "The request is not well-formed HTTP/1.1", java.util.Map.of())
                : HttpErrors.of(status);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null && channel.pipeline().get(HANDLER) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, HANDLER,
                        new MalformedRequestHandler(status -> errors.bytes(envelope(status))));
            }
        });
    }
}
