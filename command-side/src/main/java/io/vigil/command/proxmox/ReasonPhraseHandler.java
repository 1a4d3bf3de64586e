package io.vigil.command.proxmox;

import java.net.SocketAddress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;

/**
  * Copies the HTTP reason phrase into a response header. Proxmox puts its error messages in the
  * status line ({@code 500 can't lock file ...}), but Spring's {@code ClientResponse} only exposes
  * the numeric status and the native Reactor Netty response is out of reach. This handler sits
  * right after the HTTP codec, so the header is there before WebClient sees the response.
  */
@ChannelHandler.Sharable
final class ReasonPhraseHandler extends ChannelInboundHandlerAdapter {

    static final String HEADER = "X-Vigil-Reason-Phrase";
    private static final String NAME = "vigil.reasonPhrase";
    private static final ReasonPhraseHandler INSTANCE = new ReasonPhraseHandler();

    private ReasonPhraseHandler() {
    }

    /** For {@code HttpClient#doOnChannelInit}: runs once per new connection. */
    static void install(ConnectionObserver observer, Channel channel, SocketAddress remote) {
        if (channel.pipeline().get(NAME) != null) {
            return;
        }
        if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
            channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, INSTANCE);
        } else {
            // No codec yet (not expected for HTTP/1.1): before the bridge still precedes WebClient.
            channel.pipeline().addLast(NAME, INSTANCE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response) {
            response.headers().set(HEADER, response.status().reasonPhrase());
        }
        ctx.fireChannelRead(msg);
    }
}
