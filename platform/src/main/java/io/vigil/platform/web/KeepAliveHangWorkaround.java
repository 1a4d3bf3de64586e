package io.vigil.platform.web;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServer;

/**
 * Reactor Netty 1.3.6 (and 1.3.7) can stop reading a keep-alive connection: when a request arrives before the
 * previous one's operations have terminated it is queued, and if the queued one is then answered synchronously
 * (a 401 for a malformed token, a 404, a firewall refusal) nobody re-arms the read. The client's next request on
 * that connection is never answered (reactor/reactor-netty#4361, #4347). Measured here: 26 of 300 connections hung
 * after two quick 401s. Reactor Netty's own {@code reactor.netty.http.server.lastFlushWhenNoRead=true} terminates
 * the previous operations before the next request is looked at, which closes that route (0 of 300). It is read
 * once, when Reactor Netty's HTTP handler class loads, so it is set when this bean's class loads, before the
 * server starts; a value given on the command line wins. Remove once Reactor Netty ships the fix.
 */
@Component
class KeepAliveHangWorkaround implements NettyServerCustomizer {
    static final String PROPERTY = "reactor.netty.http.server.lastFlushWhenNoRead";

    static {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "true");
        }
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server;
    }
}
