package io.vigil.simulators.proxmox;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;

/** What a booting guest's QEMU agent answers, in the shape of a Linux guest's report. */
final class GuestAgent {

    private GuestAgent() {
    }

    static String mac(int vmid) {
        return String.format("BC:24:11:%02X:%02X:%02X", (vmid >> 16) & 0xff, (vmid >> 8) & 0xff, vmid & 0xff);
    }

    /**
      * {@code network-get-interfaces}: {@code lo} with 127.0.0.1 and ::1, then, once the guest's network is up
      * ({@code guestAddress} not null), eth0 with that IPv4 and a link-local IPv6. Early in boot only {@code lo}
      * is reported.
      */
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
        statistics(lo);
        if (guestAddress == null) {
            return data;
        }
        ObjectNode eth0 = result.addObject().put("name", "eth0").put("hardware-address", mac(vmid).toLowerCase());
        eth0.putArray("ip-addresses")
                .add(Json.object().put("ip-address", guestAddress).put("ip-address-type", "ipv4")
                        .put("prefix", guestAddress.startsWith("127.") ? 8 : 24))
                .add(Json.object().put("ip-address", "fe80::be24:11ff:fe00:" + Integer.toHexString(vmid))
                        .put("ip-address-type", "ipv6").put("prefix", 64));
        statistics(eth0);
        return data;
    }

    private static void statistics(ObjectNode iface) {
        iface.putObject("statistics").put("rx-bytes", 0).put("rx-packets", 0).put("rx-errs", 0)
                .put("rx-dropped", 0).put("tx-bytes", 0).put("tx-packets", 0).put("tx-errs", 0)
                .put("tx-dropped", 0);
    }
}
