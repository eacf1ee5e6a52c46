package org.btblocker.ipset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.netlink.NetNs;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.NetlinkSocket;
import org.btblocker.netlink.TestNetns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ipset sink against the real kernel, in a fresh network namespace (ipsets are per namespace). */
class IpsetBanSinkIT {

    private TestNetns ns;

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue(TestNetns.canCreate(), "needs root and iproute2");
        ns = TestNetns.create("ipset");
    }

    @AfterEach
    void delete() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    /** A channel whose socket lives in the test namespace. */
    private NetlinkChannel channel() throws Exception {
        try (NetNs in = NetNs.enter(ns.name())) {
            return new NetlinkChannel(NetlinkSocket.open(Netlink.NETLINK_NETFILTER));
        }
    }

    private IpsetBanSink open() throws Exception {
        return IpsetBanSink.open(channel(), new IpsetSettings("torrent_block", Duration.ofSeconds(18000)), true);
    }

    private static BanRequest ban(String ip, Duration d) throws Exception {
        return new BanRequest(InetAddress.getByName(ip), d, "test", "integration test");
    }

    /** The "timeout N" ipset prints for an entry, or -1. */
    private long listedTimeout(String set, String ip) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(ip) + " timeout (\\d+)$").matcher(ns.exec("ipset",
                "list", set));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void createsBothSetsAddsTestsAndDeletesIpv4AndIpv6() throws Exception {
        try (IpsetBanSink sink = open()) {
            String header = ns.exec("ipset", "list", "-t", "torrent_block");
            assertThat(header).contains("Type: hash:ip", "family inet ", "timeout 18000");
            assertThat(ns.exec("ipset", "list", "-t", "torrent_block6")).contains("family inet6", "timeout 18000");

            for (String ip : new String[] {"192.0.2.7", "2001:db8::42"}) {
                String set = ip.contains(":") ? "torrent_block6" : "torrent_block";
                InetAddress a = InetAddress.getByName(ip);
                assertThat(sink.isBanned(a)).isFalse();
                sink.ban(ban(ip, Duration.ofSeconds(300)));
                assertThat(sink.isBanned(a)).isTrue();
                assertThat(listedTimeout(set, ip)).isBetween(290L, 300L);

                sink.ban(ban(ip, Duration.ofSeconds(900)));           // re-ban refreshes the timeout
                assertThat(listedTimeout(set, ip)).isBetween(890L, 900L);

                sink.unban(a);
                assertThat(sink.isBanned(a)).isFalse();
                assertThat(listedTimeout(set, ip)).isEqualTo(-1);
                sink.unban(a);                                        // not banned: no error
            }
        }
    }

    @Test
    void listReturnsIpv4AndIpv6BansWithTheirRemainingTime() throws Exception {
        try (IpsetBanSink sink = open()) {
            assertThat(sink.list()).isEmpty();
            sink.ban(ban("10.0.0.2", Duration.ofSeconds(300)));
            sink.ban(ban("10.0.0.3", Duration.ofHours(5)));
            sink.ban(ban("2001:db8::1", Duration.ofSeconds(600)));

            Map<InetAddress, Duration> listed = new HashMap<>();
            for (BanEntry e : sink.list()) {
                assertThat(listed.put(e.address(), e.remaining())).as("listed once: %s", e).isNull();
            }
            assertThat(listed).containsOnlyKeys(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.3"),
                    InetAddress.getByName("2001:db8::1"));
            assertThat(listed.get(InetAddress.getByName("10.0.0.2")).toSeconds()).isBetween(290L, 300L);
            assertThat(listed.get(InetAddress.getByName("10.0.0.3")).toSeconds()).isBetween(17990L, 18000L);
            assertThat(listed.get(InetAddress.getByName("2001:db8::1")).toSeconds()).isBetween(590L, 600L);

            sink.unban(InetAddress.getByName("10.0.0.3"));
            assertThat(sink.list()).extracting(BanEntry::address).containsExactlyInAnyOrder(
                    InetAddress.getByName("10.0.0.2"), InetAddress.getByName("2001:db8::1"));
        }
    }

    @Test
    void listFollowsAMultiPartDumpAndTreatsAMissingSetAsEmpty() throws Exception {
        try (IpsetBanSink sink = open()) {
            StringBuilder restore = new StringBuilder();
            for (int i = 0; i < 3000; i++) {                          // far more than one 64 KiB answer holds
                restore.append("add torrent_block 10.1.").append(i / 256).append('.').append(i % 256)
                        .append(" timeout 1000\n");
            }
            Path file = Files.createTempFile("btblocker-ipset", ".restore");
            try {
                Files.writeString(file, restore);
                ns.exec("ipset", "restore", "-file", file.toString());
            } finally {
                Files.delete(file);
            }
            ns.exec("ipset", "destroy", "torrent_block6");
            List<BanEntry> all = sink.list();
            assertThat(all).hasSize(3000);
            assertThat(all).extracting(BanEntry::address).doesNotHaveDuplicates()
                    .contains(InetAddress.getByName("10.1.11.183"));
            assertThat(all).allSatisfy(e -> assertThat(e.remaining().toSeconds()).isBetween(990L, 1000L));
        }
    }

    @Test
    void existingSetsAreReusedAndKeepTheirEntries() throws Exception {
        ns.exec("ipset", "create", "torrent_block", "hash:ip", "family", "inet", "timeout", "60");
        ns.exec("ipset", "add", "torrent_block", "198.51.100.1");
        try (IpsetBanSink sink = open()) {
            assertThat(sink.isBanned(InetAddress.getByName("198.51.100.1"))).isTrue();
            sink.ban(ban("198.51.100.2", Duration.ofHours(5)));
            assertThat(listedTimeout("torrent_block", "198.51.100.2")).isBetween(17990L, 18000L);
        }
        try (IpsetBanSink again = open()) {                            // and a second start is fine
            assertThat(again.isBanned(InetAddress.getByName("198.51.100.2"))).isTrue();
        }
    }

    @Test
    void aSetOfTheWrongTypeIsAClearError() throws Exception {
        ns.exec("ipset", "create", "torrent_block6", "hash:net", "family", "inet6");
        try (NetlinkChannel ch = channel()) {
            assertThatThrownBy(() -> IpsetBanSink.open(ch, new IpsetSettings("torrent_block", Duration.ofHours(1)), true))
                    .isInstanceOf(BanException.class)
                    .hasMessage("ipset torrent_block6 exists as hash:net family inet6 but btblocker needs hash:ip "
                            + "family inet6; destroy it (ipset destroy torrent_block6) or set btblocker.ipsetName");
        }
    }

    @Test
    void aSetWithoutTimeoutSupportIsAClearErrorOnBan() throws Exception {
        ns.exec("ipset", "create", "torrent_block", "hash:ip", "family", "inet");
        try (IpsetBanSink sink = open()) {
            assertThatThrownBy(() -> sink.ban(ban("192.0.2.1", Duration.ofMinutes(1))))
                    .isInstanceOf(BanException.class)
                    .hasMessageStartingWith("ipset torrent_block has no timeout support; destroy it");
        }
    }
}
