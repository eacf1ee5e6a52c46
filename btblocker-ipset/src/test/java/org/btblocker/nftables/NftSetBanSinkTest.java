package org.btblocker.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Errno;
import org.btblocker.netlink.Hex;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Test;

/** The nftables sink against a scripted nf_tables kernel that applies batches to a map of elements. */
class NftSetBanSinkTest {

    /** Records each message as "TYPE set key timeout" and keeps elements per set. */
    static final class FakeNft implements ScriptedKernel.Responder {
        final List<String> log = new ArrayList<>();
        final Map<String, Long> elements = new HashMap<>();
        int failType = -1;
        int failErrno;

        @Override
        public void respond(MessageCursor m, ScriptedKernel k) {
            int t = m.type();
            if (t == Netlink.NFNL_MSG_BATCH_BEGIN || t == Netlink.NFNL_MSG_BATCH_END) {
                log.add(t == Netlink.NFNL_MSG_BATCH_BEGIN ? "BEGIN" : "END");
                return;
            }
            AttrCursor top = new AttrCursor();
            AttrCursor list = new AttrCursor();
            AttrCursor elem = new AttrCursor();
            AttrCursor key = new AttrCursor();
            m.nfAttributes(top);
            String set = top.seek(NftSetCodec.NFTA_SET_ELEM_LIST_SET) ? top.string() : "";
            String addr = "";
            long timeout = -1;
            if (top.seek(NftSetCodec.NFTA_SET_ELEM_LIST_ELEMENTS) && top.nested(list) && list.next()
                    && list.nested(elem)) {
                if (elem.seek(NftSetCodec.NFTA_SET_ELEM_TIMEOUT)) {
                    timeout = elem.u64();
                }
                if (elem.seek(NftSetCodec.NFTA_SET_ELEM_KEY) && elem.nested(key) && key.next()) {
                    byte[] b = new byte[key.valueLength()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = key.buffer().get(key.valueOffset() + i);
                    }
                    addr = Hex.format(b);
                }
            }
            String name = switch (m.nfMessage()) {
                case NftSetCodec.NFT_MSG_NEWTABLE -> "NEWTABLE";
                case NftSetCodec.NFT_MSG_NEWSET -> "NEWSET " + (top.seek(NftSetCodec.NFTA_SET_NAME) ? top.string()
                        : "?") + " key " + (top.seek(NftSetCodec.NFTA_SET_KEY_LEN) ? top.u32() : -1);
                case NftSetCodec.NFT_MSG_NEWSETELEM -> "NEWSETELEM " + set + " " + addr + " " + timeout;
                case NftSetCodec.NFT_MSG_DELSETELEM -> "DELSETELEM " + set + " " + addr;
                case NftSetCodec.NFT_MSG_GETSETELEM -> "GETSETELEM " + set + " " + addr;
                default -> "?" + m.nfMessage();
            };
            log.add(name);
            int error = 0;
            if (m.nfMessage() == failType) {
                error = failErrno;
            } else if (m.nfMessage() == NftSetCodec.NFT_MSG_NEWSETELEM) {
                elements.putIfAbsent(set + " " + addr, Math.max(0, timeout));
            } else if (m.nfMessage() == NftSetCodec.NFT_MSG_DELSETELEM) {
                error = elements.remove(set + " " + addr) == null ? Errno.ENOENT : 0;
            } else if (m.nfMessage() == NftSetCodec.NFT_MSG_GETSETELEM) {
                Long expires = elements.get(set + " " + addr);
                if (expires == null) {
                    error = Errno.ENOENT;
                } else {
                    MessageWriter w = new MessageWriter(256);
                    NftSetCodec.newElement(w, m.seq(), "btblocker", set, Hex.parse(addr), expires);
                    k.deliver(ScriptedKernel.bytes(w));
                }
            }
            if ((m.flags() & Netlink.NLM_F_ACK) != 0 || error != 0) {
                k.deliver(ScriptedKernel.ack(m.seq(), t, -error, null));
            }
        }
    }

    private final FakeNft nft = new FakeNft();
    private final ScriptedKernel kernel = new ScriptedKernel(nft);
    private static final NftSetSettings SETTINGS = new NftSetSettings("btblocker", "banned4", "banned6");

    private NftSetBanSink open() throws BanException {
        return NftSetBanSink.open(new NetlinkChannel(kernel), SETTINGS, true);
    }

    @Test
    void openCreatesTableAndBothSetsInOneBatch() throws Exception {
        open();
        assertThat(nft.log).containsExactly("BEGIN", "NEWTABLE", "NEWSET banned4 key 4", "NEWSET banned6 key 16",
                "END");
        assertThat(kernel.sent()).hasSize(1);
    }

    @Test
    void banIsAddDeleteAddSoTheTimeoutIsFresh() throws Exception {
        NftSetBanSink sink = open();
        nft.log.clear();
        sink.ban(new BanRequest(InetAddress.getByName("192.0.2.1"), Duration.ofSeconds(300), "t", "r"));
        assertThat(nft.log).containsExactly("BEGIN", "NEWSETELEM banned4 c0000201 300000",
                "DELSETELEM banned4 c0000201", "NEWSETELEM banned4 c0000201 300000", "END");
        assertThat(sink.expiresMillis(InetAddress.getByName("192.0.2.1"))).isEqualTo(300_000);
        assertThat(sink.isBanned(InetAddress.getByName("192.0.2.2"))).isFalse();
    }

    @Test
    void unbanAndLookupsPerFamily() throws Exception {
        NftSetBanSink sink = open();
        InetAddress v6 = InetAddress.getByName("2001:db8::7");
        sink.ban(new BanRequest(v6, Duration.ofMinutes(1), "t", "r"));
        assertThat(nft.elements).containsOnlyKeys("banned6 20010db8 00000000 00000000 00000007");
        assertThat(sink.isBanned(v6)).isTrue();
        sink.unban(v6);
        sink.unban(v6);                                      // not banned: still no error
        assertThat(sink.isBanned(v6)).isFalse();
        assertThat(nft.elements).isEmpty();
    }

    @Test
    void errorsAreOneLine() throws Exception {
        nft.failType = NftSetCodec.NFT_MSG_NEWSET;
        nft.failErrno = Errno.EEXIST;
        assertThatThrownBy(this::open).isInstanceOf(BanException.class).hasMessage(
                "nftables: cannot create table inet btblocker with sets banned4, banned6 (EEXIST): a set of that name"
                        + " exists with another definition; delete it (nft delete set inet btblocker NAME) or change "
                        + "btblocker.nftables.set4/set6");
        nft.failType = -1;
        NftSetBanSink sink = open();
        nft.failType = NftSetCodec.NFT_MSG_NEWSETELEM;
        nft.failErrno = Errno.ENOENT;
        assertThatThrownBy(() -> sink.ban(new BanRequest(InetAddress.getByName("192.0.2.1"), Duration.ofSeconds(5),
                "t", "r"))).isInstanceOf(BanException.class).hasMessage("nftables: add element 192.0.2.1 timeout "
                        + "5000ms to set inet btblocker banned4: ENOENT; the table or set was removed while btblocker "
                        + "runs: restart it to recreate them");
    }

    @Test
    void timeoutsAreClamped() {
        assertThat(NftSetBanSink.timeoutMillis(Duration.ofMillis(1))).isEqualTo(1000);
        assertThat(NftSetBanSink.timeoutMillis(Duration.ofDays(3650))).isEqualTo(2_147_483_000L);
        assertThat(NftSetBanSink.timeoutMillis(Duration.ofHours(5))).isEqualTo(18_000_000L);
    }
}
