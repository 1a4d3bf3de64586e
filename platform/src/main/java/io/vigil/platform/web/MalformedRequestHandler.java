package io.vigil.platform.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.IntFunction;

/**
 * Requests Spring never sees: a request line longer than {@code server.netty.max-initial-line-length}, headers
 * over {@code server.max-http-request-header-size}, bytes that are not HTTP, or a target that is not a URI
 * ({@code |}, {@code %zz}, ...). Reactor Netty and Spring's adapter answer those with a bare status; here they get
 * the error envelope, and the connection is closed since the rest of its bytes cannot be trusted.
 * Sits right after the HTTP/1.1 codec, one instance per connection.
 */
final class MalformedRequestHandler extends ChannelInboundHandlerAdapter {
    private final IntFunction<byte[]> envelope;
    private boolean discarding;

    MalformedRequestHandler(IntFunction<byte[]> envelope) {
        this.envelope = envelope;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            int status = refusal(request);
            if (status != 0) {
                discarding = true;
                ReferenceCountUtil.release(msg);
                refuse(ctx, status);
                return;
            }
            discarding = false;
        } else if (discarding && msg instanceof HttpContent) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The status to refuse the request with, or 0 to let it through. */
    static int refusal(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return 414;
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return 431;
            }
            return 400;
        }
        return parsesAsUri(request.uri()) ? 0 : 400;
    }

    /** What Spring's adapter does with the request target ({@code new URI(...)}), minus the host it encodes itself. */
    static boolean parsesAsUri(String target) {
        String path = target;
        int scheme = target.indexOf("://");
        if (scheme > 0 && target.substring(0, scheme).chars().allMatch(Character::isLetter)) {
            int start = target.indexOf('/', scheme + 3);
            path = start < 0 ? "" : target.substring(start);
        }
        try {
            new URI("http://localhost" + path);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private void refuse(ChannelHandlerContext ctx, int status) {
        byte[] body = envelope.apply(status);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
