package io.vigil.simulators.proxmox;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;

/** What a booted guest's QEMU agent answers, in the shape of a Linux guest's report. */
final class GuestAgent {

    private GuestAgent() {
    }

    /** {@code network-get-interfaces}: lo, then eth0 with the configured IPv4 and a link-local v6. */
    static ObjectNode networkInterfaces(int vmid, String guestAddress) {
        ObjectNode data = Json.object();
        ArrayNode result = data.putArray("result");
        ObjectNode lo = result.addObject().put("name", "lo")
                .put("hardware-address", "00:00:00:00:00:00");
        lo.putArray("ip-addresses")
                .add(Json.object().put("ip-address", "127.0.0.1").put("ip-address-type", "ipv4")
                        .put("prefix", 8))
                .add(Json.object().put("ip-address", "::1").put("ip-address-type", "ipv6")
                        .put("prefix", 128));
        String mac = String.format("bc:24:11:%02x:%02x:%02x", (vmid >> 16) & 0xff,
                (vmid >> 8) & 0xff, vmid & 0xff);
        ObjectNode eth0 = result.addObject().put("name", "eth0").put("hardware-address", mac);
        eth0.putArray("ip-addresses")
                .add(Json.object().put("ip-address", guestAddress).put("ip-address-type", "ipv4")
                        .put("prefix", guestAddress.startsWith("127.") ? 8 : 24))
                .add(Json.object().put("ip-address", "fe80::be24:11ff:fe00:" + Integer.toHexString(vmid))
                        .put("ip-address-type", "ipv6").put("prefix", 64));
        return data;
    }
}
