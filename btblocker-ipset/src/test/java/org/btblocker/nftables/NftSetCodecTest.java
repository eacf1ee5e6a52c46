package org.btblocker.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Hex;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact nf_tables frames, written by hand from linux/netfilter/nf_tables.h (enum nf_tables_msg_types, the
 * NFTA_* enums) and linux/netfilter/nfnetlink.h (batch messages); the layout matches what nft sends (traced). Header
 * fields are host order: these vectors assume a little-endian host.
 */
class NftSetCodecTest {

    private static final int SEQ = 0x01020304;

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are little-endian");
    }

    private static String hex(String spaced) {
        return Hex.format(Hex.parse(spaced));
    }

    @Test
    void batchBeginAndEndNameTheSubsystem() {
        MessageWriter w = new MessageWriter(64);
        NftSetCodec.batchBegin(w, SEQ);
        NftSetCodec.batchEnd(w, SEQ + 1);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                "14000000 1000 0100 04030201 00000000 00 00 000a"      // BATCH_BEGIN, res_id NFTABLES (10)
                + "14000000 1100 0100 05030201 00000000 00 00 000a"));  // BATCH_END
    }

    @Test
    void newTable() {
        MessageWriter w = new MessageWriter(64);
        NftSetCodec.newTable(w, SEQ, "bt");
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                // len 36, NFTABLES << 8 | NEWTABLE, flags REQUEST|ACK|CREATE
                "24000000 000a 0504 04030201 00000000"
                + "01 00 0000"                      // nfgenmsg: NFPROTO_INET
                + "0700 0100 627400 00"             // NFTA_TABLE_NAME "bt"
                + "0800 0200 00000000"));           // NFTA_TABLE_FLAGS 0
    }

    @Test
    void newSetIpv4AndIpv6() {
        MessageWriter w = new MessageWriter(256);
        NftSetCodec.newSet(w, SEQ, "bt", "b4", false, 1);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                "50000000 090a 0504 04030201 00000000 01 00 0000"
                + "0700 0100 627400 00"             // NFTA_SET_TABLE
                + "0700 0200 623400 00"             // NFTA_SET_NAME
                + "0800 0300 00000010"              // NFTA_SET_FLAGS NFT_SET_TIMEOUT
                + "0800 0400 00000007"              // NFTA_SET_KEY_TYPE ipv4_addr
                + "0800 0500 00000004"              // NFTA_SET_KEY_LEN 4
                + "0800 0a00 00000001"              // NFTA_SET_ID 1
                + "0a00 0d00 00 04 02000000 0000")); // NFTA_SET_USERDATA: key byte order big-endian
        NftSetCodec.newSet(w.reset(), SEQ, "bt", "b6", true, 2);
        assertThat(Hex.format(w.buffer())).contains(hex("0800 0400 00000008 0800 0500 00000010 0800 0a00 00000002"));
    }

    @Test
    void newElementWithTimeout() {
        MessageWriter w = new MessageWriter(256);
        NftSetCodec.newElement(w, SEQ, "bt", "b4", new byte[] {10, 1, 2, 3}, 100_000);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                "44000000 0c0a 0504 04030201 00000000 01 00 0000"
                + "0700 0100 627400 00"             // NFTA_SET_ELEM_LIST_TABLE
                + "0700 0200 623400 00"             // NFTA_SET_ELEM_LIST_SET
                + "2000 0380"                       // NFTA_SET_ELEM_LIST_ELEMENTS (32)
                + "1c00 0180"                       //   NFTA_LIST_ELEM (28)
                + "0c00 0400 00000000000186a0"      //     NFTA_SET_ELEM_TIMEOUT 100000 ms
                + "0c00 0180"                       //     NFTA_SET_ELEM_KEY
                + "0800 0100 0a010203"));           //       NFTA_DATA_VALUE
    }

    @Test
    void deleteAndGetElementIpv6() {
        MessageWriter w = new MessageWriter(256);
        byte[] v6 = Hex.parse("20010db8000000000000000000000001");
        String body = "01 00 0000 0700 0100 627400 00 0700 0200 623600 00"
                + "2000 0380 1c00 0180 1800 0180 1400 0100 20010db8000000000000000000000001";
        NftSetCodec.deleteElement(w, SEQ, "bt", "b6", v6);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex("44000000 0e0a 0500 04030201 00000000" + body));
        NftSetCodec.getElement(w.reset(), SEQ, "bt", "b6", v6);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex("44000000 0d0a 0500 04030201 00000000" + body));
    }

    /** The kernel's answer to a GETSETELEM as traced from nft: key 10.1.2.3, timeout 100 s, expires in 99.98 s. */
    static final byte[] GET_ANSWER = Hex.parse("50000000 0c0a 0000 01000000 26780000 01 00 0004"
            + "0700 0100 627400 00 0700 0200 623400 00"
            + "2c00 0300 2800 0100 0c00 0100 0800 0100 0a010203"
            + "0c00 0400 00000000000186a0 0c00 0500 000000000001868c");

    @Test
    void readsTheExpirationOfAnAnsweredElement() {
        MessageCursor m = new MessageCursor().reset(ByteBuffer.wrap(GET_ANSWER).order(ByteOrder.nativeOrder()), 0,
                GET_ANSWER.length);
        assertThat(m.next()).isTrue();
        assertThat(NftSetCodec.readExpiresMillis(m, new AttrCursor(), new AttrCursor(), new AttrCursor()))
                .isEqualTo(99_980L);
    }

    @Test
    void anElementWithoutExpirationReportsItsTimeoutOrZero() {
        MessageWriter w = new MessageWriter(256);
        NftSetCodec.newElement(w, 1, "bt", "b4", new byte[] {1, 2, 3, 4}, 5000);
        NftSetCodec.newElement(w, 2, "bt", "b4", new byte[] {1, 2, 3, 4}, -1);
        MessageCursor m = new MessageCursor().reset(w.buffer());
        AttrCursor a = new AttrCursor();
        AttrCursor b = new AttrCursor();
        AttrCursor c = new AttrCursor();
        assertThat(m.next()).isTrue();
        assertThat(NftSetCodec.readExpiresMillis(m, a, b, c)).isEqualTo(5000);
        assertThat(m.next()).isTrue();
        assertThat(NftSetCodec.readExpiresMillis(m, a, b, c)).isZero();
    }

    @Test
    void listElementsIsADumpOfOneSet() {
        MessageWriter w = new MessageWriter(256);
        NftSetCodec.listElements(w, SEQ, "tb", "s4");
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                // len 36, NFT_MSG_GETSETELEM, REQUEST|DUMP; nfgenmsg NFPROTO_INET
                "24000000 0d0a 0103 04030201 00000000 01 00 0000 0700 0100 746200 00 0700 0200 733400 00"));
    }

    /** The kernel's dump of {@code set inet tb s4} holding 10.0.0.3 (no timeout) and 10.0.0.2 (timeout 300s). */
    static final String TRACED_DUMP = "60000000 0c0a 0200 00000000 b22e0000 01 00 0004"
            + "0700 0100 746200 00 0700 0200 733400 00"        // TABLE "tb", SET "s4"
            + "3c00 0300"                                      // ELEMENTS (no NLA_F_NESTED from the kernel)
            + "1000 0100 0c00 0100 0800 0100 0a000003"        //   LIST_ELEM { KEY { DATA_VALUE 10.0.0.3 } }
            + "2800 0100 0c00 0100 0800 0100 0a000002"        //   LIST_ELEM { KEY { DATA_VALUE 10.0.0.2 }
            + "0c00 0400 00000000000493e0"                    //     TIMEOUT 300000 ms
            + "0c00 0500 00000000000493d4";                   //     EXPIRATION 299988 ms }

    private static final AttrCursor[] CURSORS = {new AttrCursor(), new AttrCursor(), new AttrCursor(),
        new AttrCursor()};

    static int read(byte[] message, List<BanEntry> out) {
        MessageCursor m = new MessageCursor().reset(ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()), 0,
                message.length);
        if (!m.next()) {
            return -2;
        }
        return NftSetCodec.readElements(m, CURSORS[0], CURSORS[1], CURSORS[2], CURSORS[3], out);
    }

    @Test
    void readsTheTracedDump() throws Exception {
        List<BanEntry> out = new ArrayList<>();
        assertThat(read(Hex.parse(TRACED_DUMP), out)).isEqualTo(2);
        assertThat(out).containsExactly(new BanEntry(InetAddress.getByName("10.0.0.3"), Duration.ZERO),
                new BanEntry(InetAddress.getByName("10.0.0.2"), Duration.ofMillis(299_988)));
    }

    @Test
    void anEmptyPartAndMalformedPartsAddNothing() throws Exception {
        List<BanEntry> out = new ArrayList<>();
        // the traced last part: TABLE, SET and an empty ELEMENTS
        assertThat(read(Hex.parse("28000000 0c0a 0200 00000000 b22e0000 01 00 0004"
                + "0700 0100 746200 00 0700 0200 733400 00 0400 0300"), out)).isZero();
        byte[] traced = Hex.parse(TRACED_DUMP);
        byte[] shortKey = traced.clone();
        shortKey[traced.length - 32] = 7;            // the second key's DATA_VALUE nla_len 8 -> 7: 3 bytes
        assertThat(read(shortKey, out)).isEqualTo(-1);
        byte[] shortTime = traced.clone();
        shortTime[traced.length - 12] = 8;           // EXPIRATION nla_len 12 -> 8: not a u64
        assertThat(read(shortTime, out)).isEqualTo(-1);
        byte[] negative = traced.clone();
        negative[traced.length - 8] = (byte) 0x80;   // EXPIRATION >= 2^63
        assertThat(read(negative, out)).isEqualTo(-1);
        assertThat(read(GET_ANSWER.clone(), out)).as("a get answer is read too: same message type").isEqualTo(1);
        out.clear();
        assertThat(read(Hex.parse("14000000 0300 0200 00000000 00000000 00000000"), out)).as("NLMSG_DONE")
                .isEqualTo(-1);
        assertThat(out).isEmpty();
    }

    /**
     * A dump answer as the kernel builds it; {@code expirations[i] < 0} = an element without timeout (the timeout
     * attribute is written 1 s above the expiration, which wins).
     */
    static byte[] dumpAnswer(int seq, String table, String set, List<byte[]> addrs, List<Long> expirations) {
        MessageWriter w = new MessageWriter(64 + 64 * addrs.size());
        w.begin(NftSetCodec.type(NftSetCodec.NFT_MSG_NEWSETELEM), Netlink.NLM_F_MULTI, seq).nfgenmsg(1, 0, 4)
                .attrString(NftSetCodec.NFTA_SET_ELEM_LIST_TABLE, table)
                .attrString(NftSetCodec.NFTA_SET_ELEM_LIST_SET, set)
                .nestBegin(NftSetCodec.NFTA_SET_ELEM_LIST_ELEMENTS);
        for (int i = 0; i < addrs.size(); i++) {
            w.nestBegin(NftSetCodec.NFTA_LIST_ELEM).nestBegin(NftSetCodec.NFTA_SET_ELEM_KEY)
                    .attrBytes(NftSetCodec.NFTA_DATA_VALUE, addrs.get(i)).nestEnd();
            long e = expirations.get(i);
            if (e >= 0) {
                w.attrU64(NftSetCodec.NFTA_SET_ELEM_TIMEOUT, e + 1000).attrU64(NftSetCodec.NFTA_SET_ELEM_EXPIRATION, e);
            }
            w.nestEnd();
        }
        w.nestEnd().end();
        return ScriptedKernel.bytes(w);
    }
}
