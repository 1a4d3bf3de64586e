package io.vigil.core.template;

/** How a user reaches the guest through Guacamole, and the port the guest answers on when it has booted. */
public enum Protocol {
    RDP(3389), VNC(5900), SSH(22);

    private final int defaultPort;

    Protocol(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
