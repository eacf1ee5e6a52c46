package org.btblocker.ipset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Errno;
import org.btblocker.netlink.Hex;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Test;

/** The ipset sink against a scripted kernel that keeps sets and entries like ip_set does. */
class IpsetBanSinkTest {

    /** A small ipset kernel: sets by name (type, family), entries with their timeouts. */
    static final class FakeIpset implements ScriptedKernel.Responder {
        int protocolMax = 7;
        final Map<String, String> sets = new HashMap<>();           // name -> "hash:ip/2"
        final Map<String, Integer> entries = new HashMap<>();       // name + " " + hex -> timeout
        final Set<String> noTimeout = new HashSet<>();
        final List<String> log = new ArrayList<>();
        final Map<Integer, Integer> failCommand = new HashMap<>();  // cmd -> errno
        boolean corruptList;

        @Override
        public void respond(MessageCursor m, ScriptedKernel k) {
            AttrCursor a = new AttrCursor();
            AttrCursor data = new AttrCursor();
            AttrCursor ip = new AttrCursor();
            m.nfAttributes(a);
            int cmd = m.nfMessage();
            int protocol = a.seek(IpsetCodec.IPSET_ATTR_PROTOCOL) ? a.u8() : -1;
            String name = a.seek(IpsetCodec.IPSET_ATTR_SETNAME) ? a.string() : null;
            int family = a.seek(IpsetCodec.IPSET_ATTR_FAMILY) ? a.u8() : -1;
            String addr = null;
            int timeout = -1;
            if (a.seek(IpsetCodec.IPSET_ATTR_DATA) && a.nested(data)) {
                if (data.seek(IpsetCodec.IPSET_ATTR_TIMEOUT)) {
                    timeout = data.u32();
                }
                if (data.seek(IpsetCodec.IPSET_ATTR_IP) && data.nested(ip) && ip.next()) {
                    byte[] b = new byte[ip.valueLength()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = ip.buffer().get(ip.valueOffset() + i);
                    }
                    addr = Hex.format(b);
                }
            }
            log.add(cmd + " p" + protocol + " " + name + " " + addr + " " + timeout);
            int error = 0;
            if (failCommand.containsKey(cmd)) {
                error = failCommand.get(cmd);
            } else {
                switch (cmd) {
                    case IpsetCodec.IPSET_CMD_PROTOCOL ->
                            k.deliver(IpsetCodecTest.protocolAnswer(m.seq(), protocolMax, 6));
                    case IpsetCodec.IPSET_CMD_TYPE -> k.deliver(IpsetCodecTest.typeAnswer(m.seq(), family, 6));
                    case IpsetCodec.IPSET_CMD_CREATE -> {
                        String want = "hash:ip/" + family;
                        if (sets.containsKey(name) && !sets.get(name).equals(want)) {
                            error = Errno.EEXIST;
                        }
                        sets.putIfAbsent(name, want);
                    }
                    case IpsetCodec.IPSET_CMD_HEADER -> {
                        String[] tf = sets.get(name).split("/");
                        k.deliver(IpsetCodecTest.headerAnswer(m.seq(), name, tf[0], Integer.parseInt(tf[1])));
                    }
                    case IpsetCodec.IPSET_CMD_ADD -> {
                        if (noTimeout.contains(name)) {
                            error = IpsetCodec.IPSET_ERR_TIMEOUT;
                        } else {
                            entries.put(name + " " + addr, timeout);
                        }
                    }
                    case IpsetCodec.IPSET_CMD_DEL -> entries.remove(name + " " + addr);
                    case IpsetCodec.IPSET_CMD_TEST ->
                            error = entries.containsKey(name + " " + addr) ? 0 : IpsetCodec.IPSET_ERR_EXIST;
                    case IpsetCodec.IPSET_CMD_LIST -> {
                        if (!sets.containsKey(name)) {
                            error = Errno.ENOENT;
                            break;
                        }
                        // one NLM_F_MULTI part per entry, as a big set is split, then NLMSG_DONE
                        for (Map.Entry<String, Integer> e : entries.entrySet()) {
                            if (e.getKey().startsWith(name + " ")) {
                                byte[] part = IpsetCodecTest.listAnswer(m.seq(), name,
                                        List.of(Hex.parse(e.getKey().substring(name.length() + 1))),
                                        List.of((long) e.getValue()));
                                if (corruptList) {
                                    part[part.length - 14] = 9;     // the address attribute gets an unknown type
                                }
                                k.deliver(part);
                            }
                        }
                        k.deliver(ScriptedKernel.done(m.seq()));
                        return;
                    }
                    default -> error = Errno.EINVAL;
                }
            }
            k.deliver(ScriptedKernel.ack(m.seq(), m.type(), -error, error == 0 ? null : "scripted"));
        }
    }

    private final FakeIpset ipset = new FakeIpset();
    private final ScriptedKernel kernel = new ScriptedKernel(ipset);

    private IpsetBanSink open() throws BanException {
        return IpsetBanSink.open(new NetlinkChannel(kernel), new IpsetSettings("tb", Duration.ofHours(5)), true);
    }

    private static BanRequest ban(String ip, Duration d) throws Exception {
        return new BanRequest(InetAddress.getByName(ip), d, "test", "unit test");
    }

    @Test
    void openNegotiatesAndCreatesBothSets() throws Exception {
        open();
        assertThat(ipset.log).containsExactly(
                "1 p6 null null -1",                // PROTOCOL, asked with the oldest version
                "13 p7 null null -1",               // TYPE hash:ip inet
                "2 p7 tb null 18000",               // CREATE tb with the ban duration as default timeout
                "13 p7 null null -1",
                "2 p7 tb6 null 18000");
        assertThat(ipset.sets).containsEntry("tb", "hash:ip/2").containsEntry("tb6", "hash:ip/10");
    }

    @Test
    void anOlderKernelGetsItsOwnProtocol() throws Exception {
        ipset.protocolMax = 6;
        open().ban(ban("192.0.2.1", Duration.ofSeconds(10)));
        assertThat(ipset.log.subList(1, ipset.log.size())).allMatch(l -> l.contains(" p6 "));
    }

    @Test
    void banTestUnbanPerFamily() throws Exception {
        IpsetBanSink sink = open();
        sink.ban(ban("192.0.2.1", Duration.ofMillis(1500)));             // rounds up to whole seconds
        sink.ban(ban("2001:db8::1", Duration.ofMinutes(2)));
        assertThat(ipset.entries).containsOnly(
                Map.entry("tb c0000201", 2),
                Map.entry("tb6 20010db8 00000000 00000000 00000001", 120));
        assertThat(sink.isBanned(InetAddress.getByName("192.0.2.1"))).isTrue();
        assertThat(sink.isBanned(InetAddress.getByName("192.0.2.2"))).isFalse();
        sink.unban(InetAddress.getByName("2001:db8::1"));
        assertThat(sink.isBanned(InetAddress.getByName("2001:db8::1"))).isFalse();
        assertThat(ipset.entries).containsOnlyKeys("tb c0000201");
    }

    @Test
    void listDumpsBothSets() throws Exception {
        IpsetBanSink sink = open();
        assertThat(sink.list()).isEmpty();
        sink.ban(ban("192.0.2.1", Duration.ofSeconds(30)));
        sink.ban(ban("192.0.2.2", Duration.ofSeconds(40)));
        sink.ban(ban("2001:db8::1", Duration.ofMinutes(2)));
        assertThat(sink.list()).containsExactlyInAnyOrder(
                new BanEntry(InetAddress.getByName("192.0.2.1"), Duration.ofSeconds(30)),
                new BanEntry(InetAddress.getByName("192.0.2.2"), Duration.ofSeconds(40)),
                new BanEntry(InetAddress.getByName("2001:db8::1"), Duration.ofSeconds(120)));
        assertThat(ipset.log.get(ipset.log.size() - 1)).isEqualTo("7 p7 tb6 null -1");
    }

    @Test
    void listTreatsAMissingSetAsEmptyAndReportsOtherErrorsInOneLine() throws Exception {
        IpsetBanSink sink = open();
        sink.ban(ban("192.0.2.1", Duration.ofSeconds(30)));
        ipset.sets.remove("tb6");
        assertThat(sink.list()).extracting(BanEntry::address).containsExactly(InetAddress.getByName("192.0.2.1"));
        ipset.corruptList = true;
        assertThatThrownBy(sink::list).isInstanceOf(BanException.class)
                .hasMessage("ipset list tb: malformed answer from the kernel");
        ipset.failCommand.put(IpsetCodec.IPSET_CMD_LIST, Errno.EPERM);
        assertThatThrownBy(sink::list).isInstanceOf(BanException.class)
                .hasMessage("ipset list tb: EPERM (kernel: scripted); btblocker needs CAP_NET_ADMIN (run as root)");
    }

    @Test
    void ipv4MappedAddressesGoToTheIpv4Set() throws Exception {
        IpsetBanSink sink = open();
        sink.ban(ban("::ffff:192.0.2.9", Duration.ofSeconds(60)));
        assertThat(ipset.entries).containsOnlyKeys("tb c0000209");
    }

    @Test
    void existingSetOfTheRightTypeIsReused() throws Exception {
        ipset.sets.put("tb", "hash:ip/2");
        ipset.entries.put("tb c0000201", 5);
        assertThat(open().isBanned(InetAddress.getByName("192.0.2.1"))).isTrue();
    }

    @Test
    void existingSetOfAnotherTypeIsAClearError() {
        ipset.sets.put("tb", "hash:net/2");
        assertThatThrownBy(this::open).isInstanceOf(BanException.class).hasMessage(
                "ipset tb exists as hash:net family inet but btblocker needs hash:ip family inet; destroy it "
                        + "(ipset destroy tb) or set btblocker.ipsetName");
    }

    @Test
    void errorsAreOneLineWithTheKernelText() throws Exception {
        ipset.failCommand.put(IpsetCodec.IPSET_CMD_CREATE, Errno.EPERM);
        assertThatThrownBy(this::open).isInstanceOf(BanException.class).hasMessage(
                "ipset create tb hash:ip family inet: EPERM (kernel: scripted); btblocker needs CAP_NET_ADMIN "
                        + "(run as root)");
        ipset.failCommand.clear();
        ipset.noTimeout.add("tb");
        IpsetBanSink sink = open();
        assertThatThrownBy(() -> sink.ban(ban("192.0.2.1", Duration.ofSeconds(1))))
                .isInstanceOf(BanException.class).hasMessageStartingWith("ipset tb has no timeout support");
        ipset.failCommand.put(IpsetCodec.IPSET_CMD_TEST, IpsetCodec.IPSET_ERR_PROTOCOL);
        assertThatThrownBy(() -> sink.isBanned(InetAddress.getByName("192.0.2.1")))
                .hasMessage("ipset test tb 192.0.2.1: IPSET_ERR_PROTOCOL (kernel: scripted)");
    }

    @Test
    void missingIpsetSubsystemIsAClearError() {
        ipset.failCommand.put(IpsetCodec.IPSET_CMD_PROTOCOL, Errno.EOPNOTSUPP);
        assertThatThrownBy(this::open).isInstanceOf(BanException.class)
                .hasMessageStartingWith("ipset: the kernel does not answer the ipset protocol (EOPNOTSUPP");
        ipset.failCommand.put(IpsetCodec.IPSET_CMD_PROTOCOL, Errno.EPERM);
        assertThatThrownBy(this::open).isInstanceOf(BanException.class).hasMessage(
                "ipset: the kernel refused the ipset protocol (EPERM); btblocker needs CAP_NET_ADMIN (run as root)");
    }

    @Test
    void timeoutsAreClampedToWhatIpsetAccepts() {
        assertThat(IpsetBanSink.timeoutSeconds(Duration.ofDays(365))).isEqualTo(2_147_483);
        assertThat(IpsetBanSink.timeoutSeconds(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(IpsetBanSink.timeoutSeconds(Duration.ofSeconds(18000))).isEqualTo(18000);
    }
}
