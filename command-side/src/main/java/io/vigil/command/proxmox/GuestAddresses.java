package io.vigil.command.proxmox;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/** Reads the guest agent's interface list. */
final class GuestAddresses {

    private GuestAddresses() {
    }

    /**
      * The first IPv4 address of a guest interface other than {@code lo} that another machine can reach: never
      * link-local (Windows guests report 169.254.x.x before DHCP answers), never loopback unless
      * {@code allowLoopback} (only simulated guests, which listen on the host's loopback). Early in boot the agent
      * reports only {@code lo}: that is "no address yet", not an address.
      */
    static Optional<String> pick(JsonNode data, boolean allowLoopback) {
        for (JsonNode iface : data.path("result")) {
            if ("lo".equals(iface.path("name").asString(""))) {
                continue;
            }
            for (JsonNode address : iface.path("ip-addresses")) {
                if (!"ipv4".equals(address.path("ip-address-type").asString(""))) {
                    continue;
                }
                String ip = address.path("ip-address").asString("");
                Optional<InetAddress> parsed = parse(ip);
                if (parsed.isEmpty() || parsed.get().isLinkLocalAddress() || parsed.get().isAnyLocalAddress()) {
                    continue;
                }
                if (!parsed.get().isLoopbackAddress() || allowLoopback) {
                    return Optional.of(ip);
                }
            }
        }
        return Optional.empty();
    }

    /** Literal IPv4 only: {@code InetAddress.getByName} must never turn into a DNS lookup. */
    private static Optional<InetAddress> parse(String ip) {
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
      * The answers while a guest is still booting: VM not running yet, agent not started, or the
      * agent not answering in time ("qmp command 'guest-...' failed - got timeout").
      */
    static boolean agentNotReady(ProxmoxException e) {
        String reason = e.reason() == null ? "" : e.reason();
        return e.httpStatus() == 500 && (reason.contains("guest agent is not running")
                || reason.matches("VM \\d+ is not running") || reason.matches("VM \\d+ not running")
                || reason.contains("qmp command 'guest-"));
    }
}
