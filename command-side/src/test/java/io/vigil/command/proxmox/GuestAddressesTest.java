package io.vigil.command.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Interface lists as real guest agents report them (Linux and Windows), at each stage of a boot. */
class GuestAddressesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String LO = "{\"name\":\"lo\",\"ip-addresses\":[{\"ip-address\":\"127.0.0.1\","
            + "\"ip-address-type\":\"ipv4\",\"prefix\":8},{\"ip-address\":\"::1\",\"ip-address-type\":\"ipv6\",\"prefix\":128}]}";

    private static String ifaces(String addresses) {
        return "{\"result\":[" + LO + ",{\"name\":\"eth0\",\"ip-addresses\":[" + addresses + "]}]}";
    }

    private static String v4(String ip) {
        return "{\"ip-address\":\"" + ip + "\",\"ip-address-type\":\"ipv4\",\"prefix\":24}";
    }

    @Test
    void the_first_routable_ipv4_wins_over_loopback_link_local_and_ipv6() {
        String json = ifaces("{\"ip-address\":\"fe80::1\",\"ip-address-type\":\"ipv6\",\"prefix\":64},"
                + v4("169.254.10.2") + "," + v4("10.50.0.7") + "," + v4("10.50.0.8"));

        assertThat(GuestAddresses.pick(JSON.readTree(json), false)).contains("10.50.0.7");
    }

    @Test
    void early_in_boot_only_lo_is_reported_and_that_is_no_address_yet() {
        assertThat(GuestAddresses.pick(JSON.readTree("{\"result\":[" + LO + "]}"), false)).isEmpty();
        assertThat(GuestAddresses.pick(JSON.readTree("{\"result\":[" + LO + "]}"), true))
                .as("not even for simulated guests: lo is never the guest's address").isEmpty();
    }

    @Test
    void loopback_and_link_local_addresses_are_never_a_guests_address() {
        assertThat(GuestAddresses.pick(JSON.readTree(ifaces(v4("169.254.1.1"))), false)).isEmpty();
        assertThat(GuestAddresses.pick(JSON.readTree(ifaces(v4("127.0.0.5"))), false)).isEmpty();
        assertThat(GuestAddresses.pick(JSON.readTree("{\"result\":[]}"), false)).isEmpty();
    }

    @Test
    void a_simulated_guest_on_the_hosts_loopback_is_accepted_only_when_the_simulator_setting_says_so() {
        assertThat(GuestAddresses.pick(JSON.readTree(ifaces(v4("127.0.0.1"))), true)).contains("127.0.0.1");
        assertThat(GuestAddresses.pick(JSON.readTree(ifaces(v4("169.254.1.1"))), true)).isEmpty();
    }
}
