package org.btblocker.nftables;

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

/** The nftables sink against the real kernel, in a fresh network namespace. */
class NftSetBanSinkIT {

    private static final NftSetSettings SETTINGS = new NftSetSettings("btblocker", "banned4", "banned6");
    private TestNetns ns;

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue(TestNetns.canCreate(), "needs root and iproute2");
        ns = TestNetns.create("nft");
    }

    @AfterEach
    void delete() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    private NetlinkChannel channel() throws Exception {
        try (NetNs in = NetNs.enter(ns.name())) {
            return new NetlinkChannel(NetlinkSocket.open(Netlink.NETLINK_NETFILTER));
        }
    }

    private static BanRequest ban(String ip, Duration d) throws Exception {
        return new BanRequest(InetAddress.getByName(ip), d, "test", "integration test");
    }

    private boolean nftCan() {
        try {
            return TestNetns.run("nft", "--version").startsWith("nftables");
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void listReturnsIpv4AndIpv6BansWithTheirRemainingTime() throws Exception {
        try (NftSetBanSink sink = NftSetBanSink.open(channel(), SETTINGS, true)) {
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
            assertThat(listed.get(InetAddress.getByName("10.0.0.2")).toMillis()).isBetween(290_000L, 300_000L);
            assertThat(listed.get(InetAddress.getByName("10.0.0.3")).toMillis()).isBetween(17_990_000L, 18_000_000L);
            assertThat(listed.get(InetAddress.getByName("2001:db8::1")).toMillis()).isBetween(590_000L, 600_000L);

            sink.unban(InetAddress.getByName("10.0.0.3"));
            assertThat(sink.list()).extracting(BanEntry::address).containsExactlyInAnyOrder(
                    InetAddress.getByName("10.0.0.2"), InetAddress.getByName("2001:db8::1"));
            if (nftCan()) {
                // a multi-part dump, and a set removed behind our back counts as empty
                StringBuilder many = new StringBuilder("add element inet btblocker banned4 { ");
                for (int i = 0; i < 3000; i++) {
                    many.append(i == 0 ? "" : ", ").append("10.1.").append(i / 256).append('.').append(i % 256)
                            .append(" timeout 1000s");
                }
                Path file = Files.createTempFile("btblocker-nft", ".nft");
                try {
                    Files.writeString(file, many.append(" }\n"));
                    ns.exec("nft", "-f", file.toString());
                } finally {
                    Files.delete(file);
                }
                ns.exec("nft", "delete", "set", "inet", "btblocker", "banned6");
                List<BanEntry> all = sink.list();
                assertThat(all).hasSize(3001).extracting(BanEntry::address).doesNotHaveDuplicates();
                assertThat(all).filteredOn(e -> e.address().getHostAddress().startsWith("10.1."))
                        .allSatisfy(e -> assertThat(e.remaining().toSeconds()).isBetween(990L, 1000L));
            }
        }
    }

    @Test
    void createsTableAndSetsAddsLooksUpAndDeletesIpv4AndIpv6() throws Exception {
        try (NftSetBanSink sink = NftSetBanSink.open(channel(), SETTINGS, true)) {
            if (nftCan()) {
                assertThat(ns.exec("nft", "list", "table", "inet", "btblocker")).contains(
                        "set banned4 {", "type ipv4_addr", "flags timeout", "set banned6 {", "type ipv6_addr");
            }
            for (String ip : new String[] {"192.0.2.7", "2001:db8::42"}) {
                InetAddress a = InetAddress.getByName(ip);
                assertThat(sink.isBanned(a)).isFalse();
                sink.ban(ban(ip, Duration.ofSeconds(300)));
                assertThat(sink.isBanned(a)).isTrue();
                assertThat(sink.expiresMillis(a)).isBetween(290_000L, 300_000L);
                if (nftCan()) {
                    String set = ip.contains(":") ? "banned6" : "banned4";
                    assertThat(ns.exec("nft", "list", "set", "inet", "btblocker", set))
                            .contains(ip + " timeout 5m expires 4m");
                }
                sink.ban(ban(ip, Duration.ofSeconds(900)));           // re-ban refreshes the timeout
                assertThat(sink.expiresMillis(a)).isBetween(890_000L, 900_000L);

                sink.unban(a);
                assertThat(sink.isBanned(a)).isFalse();
                sink.unban(a);                                        // not banned: no error
            }
        }
    }

    @Test
    void secondStartKeepsTableSetsAndBans() throws Exception {
        try (NftSetBanSink sink = NftSetBanSink.open(channel(), SETTINGS, true)) {
            sink.ban(ban("198.51.100.9", Duration.ofHours(5)));
        }
        try (NftSetBanSink again = NftSetBanSink.open(channel(), SETTINGS, true)) {
            assertThat(again.expiresMillis(InetAddress.getByName("198.51.100.9")))
                    .isBetween(17_990_000L, 18_000_000L);
        }
    }

    @Test
    void aSetWithAnotherDefinitionIsAClearError() throws Exception {
        assumeTrue(nftCan(), "needs nft to prepare the conflicting set");
        ns.exec("nft", "add table inet btblocker");
        ns.exec("nft", "add set inet btblocker banned6 { type ipv4_addr ; }");
        try (NetlinkChannel ch = channel()) {
            assertThatThrownBy(() -> NftSetBanSink.open(ch, SETTINGS, true)).isInstanceOf(BanException.class)
                    .hasMessageStartingWith("nftables: cannot create table inet btblocker with sets banned4, banned6 "
                            + "(EEXIST")
                    .hasMessageEndingWith("delete it (nft delete set inet btblocker NAME) or change "
                            + "btblocker.nftables.set4/set6");
        }
    }
}
