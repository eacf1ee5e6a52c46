package org.btblocker.api.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class CidrSetTest {

    private static boolean contains(CidrSet set, String address) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        return set.contains(Addresses.hi(a), Addresses.lo(a));
    }

    @Test
    void matchesIpv4AndIpv6Blocks() throws Exception {
        CidrSet set = CidrSet.parse(List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "fe80::/10"));
        assertThat(contains(set, "10.255.1.2")).isTrue();
        assertThat(contains(set, "11.0.0.1")).isFalse();
        assertThat(contains(set, "192.168.1.7")).isTrue();
        assertThat(contains(set, "192.168.1.8")).isFalse();
        assertThat(contains(set, "2001:db8:ffff::1")).isTrue();
        assertThat(contains(set, "2001:db9::1")).isFalse();
        assertThat(contains(set, "febf::1")).isTrue();
        assertThat(contains(set, "fec0::1")).isFalse();
    }

    @Test
    void zeroPrefixMatchesTheWholeFamilyOnly() throws Exception {
        CidrSet v4 = CidrSet.parse(List.of("0.0.0.0/0"));
        assertThat(contains(v4, "8.8.8.8")).isTrue();
        assertThat(contains(v4, "2001:db8::1")).isFalse();
    }

    @Test
    void rejectsBadEntriesWithTheirText() {
        assertThatThrownBy(() -> CidrSet.parse(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> CidrSet.parse(List.of("example.com"))).hasMessageContaining("example.com");
        assertThatThrownBy(() -> CidrSet.parse(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
    }
}
