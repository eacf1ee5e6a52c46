package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** Decision values are IP literals; anything else is refused without a name lookup. */
class IpLiteralTest {

    @Test
    void readsAndWritesLiterals() throws Exception {
        assertThat(IpLiteral.parse("192.0.2.1")).isEqualTo(InetAddress.getByName("192.0.2.1"));
        assertThat(IpLiteral.parse("2001:DB8::6")).isEqualTo(InetAddress.getByName("2001:db8::6"));
        assertThat(IpLiteral.parse("::ffff:192.0.2.1")).isInstanceOf(Inet4Address.class);
        assertThat(IpLiteral.format(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpLiteral.format(InetAddress.getByName("192.0.2.1"))).isEqualTo("192.0.2.1");
    }

    @Test
    void refusesNamesRangesAndLegacyForms() {
        // "cafe:babe" would otherwise be looked up as a host name by InetAddress.getByName
        for (String bad : new String[] {"localhost", "example.org", "1", "10.1", "192.0.2.256", "01.2.3.4",
            "192.0.2.0/24", "fe80::1%eth0", "[::1]", "cafe:babe", "::g", "", " 192.0.2.1", null}) {
            assertThat(IpLiteral.parse(bad)).as(String.valueOf(bad)).isNull();
        }
    }
}
