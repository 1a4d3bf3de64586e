package io.vigil.command.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Interface lists as real guest agents report them (Linux and Windows). */
class GuestAddressesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String ifaces(String addresses) {
        return "{\"result\":[{\"name\":\"lo\",\"ip-addresses\":[{\"ip-address\":\"127.0.0.1\","
                + "\"ip-address-type\":\"ipv4\",\"prefix\":8}]},{\"name\":\"eth0\",\"ip-addresses\":["
                + addresses + "]}]}";
    }

    private static String v4(String ip) {
        return "{\"ip-address\":\"" + ip + "\",\"ip-address-type\":\"ipv4\",\"prefix\":24}";
    }

    @Test
    void the_first_routable_ipv4_wins_over_loopback_link_local_and_ipv6() {
        String json = ifaces("{\"ip-address\":\"fe80::1\",\"ip-address-type\":\"ipv6\",\"prefix\":64},"
                + v4("169.254.10.2") + "," + v4("10.50.0.7") + "," + v4("10.50.0.8"));

        assertThat(GuestAddresses.pick(JSON.readTree(json))).contains("10.50.0.7");
    }

    @Test
    void loopback_is_the_fallback_when_nothing_else_is_there() {
        assertThat(GuestAddresses.pick(JSON.readTree(ifaces(v4("169.254.1.1")))))
                .contains("127.0.0.1");
        assertThat(GuestAddresses.pick(JSON.readTree("{\"result\":[]}"))).isEmpty();
    }
}
