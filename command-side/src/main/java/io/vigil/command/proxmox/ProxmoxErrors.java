package io.vigil.command.proxmox;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelException;
import org.springframework.web.reactive.function.client.WebClientException;
import tools.jackson.core.JacksonException;

import io.vigil.command.proxmox.ProxmoxException.Kind;

/** Turns Proxmox's answers and transport failures into {@link ProxmoxException}s. */
final class ProxmoxErrors {

    private ProxmoxErrors() {
    }

    /**
      * By status first where it is unambiguous, then by Proxmox's message, since a lock timeout, a
      * taken VMID and a missing VM all arrive as a plain 500.
      */
    static Kind classify(int status, String reason) {
        if (status == 400) {
            return Kind.INVALID;
        }
        if (status == 401 || status == 403) {
            return Kind.UNAUTHORIZED;
        }
        if (status >= 595 && status <= 599) {
            return Kind.TRANSIENT;
        }
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.contains("can't lock file") || r.contains("got timeout") || r.contains("is locked")) {
            return Kind.LOCKED;
        }
        if (r.contains("already exists")) {
            return Kind.VMID_TAKEN;
        }
        if (r.contains("does not exist") || r.contains("unable to find configuration file")) {
            return Kind.NOT_FOUND;
        }
        if (status >= 500 && status != 501) {
            return Kind.TRANSIENT;
        }
        return Kind.INVALID;
    }

    static ProxmoxException response(String call, int status, String reason, String detail) {
        String message = call + ": " + status + " " + reason + (detail.isEmpty() ? "" : " " + detail);
        return new ProxmoxException(classify(status, reason), status, reason, message, null);
    }

    /** A failure without a usable response; leaves programming errors as they are. */
    static Throwable transport(String call, Throwable error) {
        if (error instanceof ProxmoxException) {
            return error;
        }
        if (hasCause(error, SSLException.class)) {
            // A certificate Proxmox's client config rejects will not be accepted on a retry.
            return new ProxmoxException(Kind.INVALID, 0, null, call + ": TLS handshake failed ("
                    + rootMessage(error) + "); set vigil.proxmox.insecure-tls for self-signed", error);
        }
        if (error instanceof JacksonException) {
            return new ProxmoxException(Kind.TRANSIENT, 0, null,
                    call + ": unexpected response body: " + error.getMessage(), error);
        }
        // ChannelException covers Netty's read/connect timeouts when they arrive unwrapped.
        if (error instanceof WebClientException || error instanceof IOException
                || error instanceof TimeoutException || error instanceof ChannelException) {
            return new ProxmoxException(Kind.TRANSIENT, 0, null,
                    call + ": " + rootMessage(error), error);
        }
        return error;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
