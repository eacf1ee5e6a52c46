package org.btblocker.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Request/ack exchanges against a scripted kernel. */
class NetlinkChannelTest {

    private static final int TYPE = Netlink.nfnlType(Netlink.NFNL_SUBSYS_QUEUE, 2);

    private static MessageWriter request(NetlinkChannel ch, int flags) {
        return ch.writer().begin(TYPE, Netlink.NLM_F_REQUEST | flags, ch.nextSeq()).nfgenmsg(0, 0, 1).end();
    }

    @Test
    void returnsOnceTheAckArrives() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        try (NetlinkChannel ch = new NetlinkChannel(k)) {
            ch.request("configure", request(ch, Netlink.NLM_F_ACK));
        }
        assertThat(k.sent()).hasSize(1);
        assertThat(k.pending()).isZero();
        assertThat(k.isClosed()).isTrue();
    }

    @Test
    void negativeErrorBecomesNetlinkExceptionWithOpErrnoNameAndKernelText() {
        ScriptedKernel k = new ScriptedKernel((m, kk) -> kk.deliver(
                ScriptedKernel.ack(m.seq(), m.type(), -Errno.EBUSY, "queue already bound")));
        NetlinkChannel ch = new NetlinkChannel(k);
        assertThatThrownBy(() -> ch.request("bind nfqueue 1", request(ch, Netlink.NLM_F_ACK)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.op()).isEqualTo("bind nfqueue 1");
                    assertThat(e.errno()).isEqualTo(Errno.EBUSY);
                    assertThat(e.errnoName()).isEqualTo("EBUSY");
                    assertThat(e.extackMessage()).isEqualTo("queue already bound");
                    assertThat(e.getMessage()).isEqualTo("bind nfqueue 1: EBUSY (kernel: queue already bound)");
                });
    }

    @Test
    void answersToOtherSequenceNumbersAreSkipped() throws Exception {
        ScriptedKernel k = new ScriptedKernel((m, kk) -> {
            kk.deliver(ScriptedKernel.ack(m.seq() - 1, m.type(), -Errno.EPERM, "stale"));
            kk.deliver(ScriptedKernel.concat(ScriptedKernel.ack(m.seq() + 5, m.type(), -Errno.ENOENT, null),
                    ScriptedKernel.ack(m.seq(), m.type(), 0, null)));
        });
        NetlinkChannel ch = new NetlinkChannel(k);
        ch.request("op", request(ch, Netlink.NLM_F_ACK));
        assertThat(k.pending()).isZero();
    }

    @Test
    void noAnswerIsATimeout() {
        NetlinkChannel ch = new NetlinkChannel(ScriptedKernel.silent());
        assertThatThrownBy(() -> ch.request("op", request(ch, Netlink.NLM_F_ACK)))
                .isInstanceOfSatisfying(NetlinkException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT));
    }

    @Test
    void messagesWithoutAckAreOnlySent() throws Exception {
        ScriptedKernel k = ScriptedKernel.silent();
        NetlinkChannel ch = new NetlinkChannel(k);
        ch.request("fire and forget", request(ch, 0));
        assertThat(k.sent()).hasSize(1);
        assertThat(k.receiveCalls()).isZero();
    }

    @Test
    void overrunWhileWaitingIsReported() {
        ScriptedKernel k = new ScriptedKernel((m, kk) -> kk.deliverErrno(-Errno.ENOBUFS));
        NetlinkChannel ch = new NetlinkChannel(k);
        assertThatThrownBy(() -> ch.request("op", request(ch, Netlink.NLM_F_ACK)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOBUFS));
    }

    @Test
    void dumpDeliversRepliesUntilDone() throws Exception {
        ScriptedKernel k = new ScriptedKernel((m, kk) -> {
            MessageWriter w = new MessageWriter(256);
            w.begin(m.type(), Netlink.NLM_F_MULTI, m.seq()).nfgenmsg(0, 0, 1).attrU32(1, 11).end();
            w.begin(m.type(), Netlink.NLM_F_MULTI, m.seq()).nfgenmsg(0, 0, 1).attrU32(1, 22).end();
            kk.deliver(ScriptedKernel.bytes(w));
            kk.deliver(ScriptedKernel.done(m.seq()));
        });
        NetlinkChannel ch = new NetlinkChannel(k);
        List<Integer> values = new ArrayList<>();
        AttrCursor a = new AttrCursor();
        ch.request("dump", request(ch, Netlink.NLM_F_DUMP), reply -> {
            reply.nfAttributes(a);
            while (a.next()) {
                values.add(a.u32());
            }
        });
        assertThat(values).containsExactly(11, 22);
    }

    @Test
    void batchWaitsForEveryAckedMessageAndFailsOnTheFirstError() throws Exception {
        ScriptedKernel ok = ScriptedKernel.acking();
        NetlinkChannel ch = new NetlinkChannel(ok);
        MessageWriter w = ch.writer();
        w.begin(Netlink.NFNL_MSG_BATCH_BEGIN, Netlink.NLM_F_REQUEST, ch.nextSeq()).nfgenmsg(0, 0, 10).end();
        w.begin(TYPE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, ch.nextSeq()).nfgenmsg(0, 0, 0).end();
        w.begin(TYPE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, ch.nextSeq()).nfgenmsg(0, 0, 0).end();
        w.begin(Netlink.NFNL_MSG_BATCH_END, Netlink.NLM_F_REQUEST, ch.nextSeq()).nfgenmsg(0, 0, 10).end();
        ch.request("batch", w);
        assertThat(ok.sent()).hasSize(1);

        int[] count = {0};
        ScriptedKernel failing = new ScriptedKernel((m, kk) -> {
            if ((m.flags() & Netlink.NLM_F_ACK) != 0) {
                kk.deliver(ScriptedKernel.ack(m.seq(), m.type(), count[0]++ == 1 ? -Errno.EEXIST : 0, null));
            }
        });
        NetlinkChannel ch2 = new NetlinkChannel(failing);
        MessageWriter w2 = ch2.writer();
        w2.begin(TYPE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, ch2.nextSeq()).end();
        w2.begin(TYPE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, ch2.nextSeq()).end();
        assertThatThrownBy(() -> ch2.request("add", w2)).isInstanceOfSatisfying(NetlinkException.class,
                e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
    }

    @Test
    void sequenceNumbersAreFreshAndNonZero() {
        NetlinkChannel ch = new NetlinkChannel(ScriptedKernel.silent());
        int a = ch.nextSeq();
        int b = ch.nextSeq();
        assertThat(b).isEqualTo(a + 1);
        assertThat(a).isNotZero();
    }
}
