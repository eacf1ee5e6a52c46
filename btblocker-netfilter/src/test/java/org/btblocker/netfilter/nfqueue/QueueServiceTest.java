package org.btblocker.netfilter.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

import org.btblocker.netfilter.nfqueue.SentVerdicts.Sent;
import org.btblocker.netlink.Errno;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Test;

/** The bind sequence and the receive loop against a scripted kernel; the loop is driven step by step. */
class QueueServiceTest {

    private static final int A = PacketHandler.ACCEPT;
    private static final int D = PacketHandler.DROP;
    private static final byte[] PAYLOAD = {0x45, 0, 0, 20};

    private final List<Integer> seen = new ArrayList<>();
    private IntUnaryOperator decide = id -> A;

    private final PacketHandler handler = (buf, off, len, p) -> {
        seen.add(p.packetId());
        assertThat(buf.get(off)).isEqualTo((byte) 0x45);
        assertThat(len).isEqualTo(PAYLOAD.length);
        return decide.applyAsInt(p.packetId());
    };

    private QueueService bound(ScriptedKernel k) throws Exception {
        QueueService s = new QueueService(QueueConfig.of(5), handler, k, () -> 0L);
        s.bind();
        k.sent().clear();
        return s;
    }

    @Test
    void bindSequenceUnbindsAndBindsFamiliesThenBindsAndConfiguresTheQueue() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        new QueueService(QueueConfig.of(5), handler, k, () -> 0L).bind();
        assertThat(SentVerdicts.configCommands(k.sent())).containsExactly(
                NfqueueCodec.NFQNL_CFG_CMD_PF_UNBIND, NfqueueCodec.NFQNL_CFG_CMD_PF_BIND,
                NfqueueCodec.NFQNL_CFG_CMD_PF_UNBIND, NfqueueCodec.NFQNL_CFG_CMD_PF_BIND,
                NfqueueCodec.NFQNL_CFG_CMD_BIND, -1, -1, -1);
        // the parameters, max length and flags messages are the codec's frames for queue 5
        assertThat(k.sent()).hasSize(8);
        assertThat(k.pending()).isZero();
    }

    private static ScriptedKernel failingAt(int command, int errno) {
        return new ScriptedKernel((m, k) -> {
            boolean fail = SentVerdicts.configCommands(List.of(ScriptedKernelBytes.of(m))).equals(List.of(command));
            k.deliver(ScriptedKernel.ack(m.seq(), m.type(), fail ? -errno : 0, null));
        });
    }

    @Test
    void busyQueueGivesTheOperatorHint() {
        QueueService s = new QueueService(QueueConfig.of(5), handler,
                failingAt(NfqueueCodec.NFQNL_CFG_CMD_BIND, Errno.EBUSY), () -> 0L);
        assertThatThrownBy(s::bind).isInstanceOfSatisfying(QueueBindException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(
                    "queue 5 is already bound by another process (EBUSY); stop it or set btblocker.queueNum");
            assertThat(e.queueNum()).isEqualTo(5);
            assertThat(e.errno()).isEqualTo(Errno.EBUSY);
        });
    }

    @Test
    void epermMeansAnotherOwnerWhenWeHaveCapNetAdminAndMissingPrivilegeOtherwise() {
        QueueService s = new QueueService(QueueConfig.of(5), handler,
                failingAt(NfqueueCodec.NFQNL_CFG_CMD_BIND, Errno.EPERM), () -> 0L);
        String expected = org.btblocker.netlink.Capabilities.hasNetAdmin()
                ? "queue 5 is already bound by another process (EPERM); stop it or set btblocker.queueNum"
                : "cannot bind NFQUEUE queue 5 (EPERM): need root or CAP_NET_ADMIN";
        assertThatThrownBy(s::bind).hasMessage(expected);
    }

    @Test
    void otherBindErrorsNameTheStep() {
        QueueService s = new QueueService(QueueConfig.of(5), handler,
                failingAt(NfqueueCodec.NFQNL_CFG_CMD_PF_UNBIND, Errno.ENOMEM), () -> 0L);
        assertThatThrownBy(s::bind).hasMessage("cannot unbind protocol family 2: unbind protocol family 2: ENOMEM");
        assertThat(QueueService.openMessage(1, new org.btblocker.netlink.NetlinkException("open", Errno
                .EPROTONOSUPPORT, null))).contains("no nfnetlink support");
    }

    @Test
    void oneCallReadsEveryQueuedPacketAndAShortBatchSendsTheVerdictsAtOnce() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = bound(k);
        for (int id = 1; id <= 3; id++) {
            k.deliver(NfqueueGen.packet(5, id, PAYLOAD));
        }
        int calls = k.receiveCalls();
        s.step(0);
        assertThat(seen).containsExactly(1, 2, 3);
        assertThat(k.batchSizes()).containsExactly(3);
        // the batch came back short of RECEIVE_BATCH: the socket was empty, so no other receive is needed to know it
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.batch(A, 3));
        assertThat(k.receiveCalls() - calls).isEqualTo(1);
        assertThat(s.stats().received()).isEqualTo(3);
        assertThat(s.stats().accepted()).isEqualTo(3);
        assertThat(s.stats().verdictMessages()).isEqualTo(1);
    }

    @Test
    void aFullBatchKeepsItsLastRunOpenForThePacketsStillQueued() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = bound(k);
        int full = QueueService.RECEIVE_BATCH;
        decide = id -> id == full ? D : A;
        for (int id = 1; id <= full + 6; id++) {
            k.deliver(NfqueueGen.packet(5, id, PAYLOAD));
        }
        s.step(0);
        // the drop ended the accepted run; the drop's own run stays open, more packets may join it
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.batch(A, full - 1));
        s.step(0);
        assertThat(k.batchSizes()).containsExactly(full, 6);
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.batch(A, full - 1), Sent.single(D, full),
                Sent.batch(A, full + 6));
        assertThat(seen).hasSize(full + 6);
        assertThat(s.stats().received()).isEqualTo(full + 6);
        assertThat(s.stats().dropped()).isEqualTo(1);
    }

    @Test
    void longQueuesAreReadInBatchesAndVerdictedInRunsOfAtMostMaxRun() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = bound(k);
        int total = 3 * QueueService.RECEIVE_BATCH + 10;
        for (int id = 1; id <= total; id++) {
            k.deliver(NfqueueGen.packet(5, id, PAYLOAD));
        }
        for (int i = 0; i < 5 && k.pending() > 0; i++) {
            s.step(0);
        }
        assertThat(k.batchSizes()).containsExactly(64, 64, 64, 10);
        List<Sent> sent = SentVerdicts.decode(k.sent());
        assertThat(sent).allSatisfy(v -> assertThat(v.verdict()).isEqualTo(A));
        assertThat(sent).extracting(Sent::id).containsExactly(64, 128, 192, total);
        assertThat(s.stats().accepted()).isEqualTo(total);
        assertThat(s.stats().gaps()).isZero();
    }

    @Test
    void aCutDatagramInABatchIsCountedAndTheOthersAreStillHandled() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = bound(k);
        k.deliver(NfqueueGen.packet(5, 1, PAYLOAD));
        k.deliver(new byte[200_000]); // larger than any slot: the kernel cuts it, its packet is not seen
        k.deliver(NfqueueGen.packet(5, 2, PAYLOAD));
        s.step(0);
        assertThat(k.batchSizes()).containsExactly(3);
        assertThat(seen).containsExactly(1, 2);
        assertThat(s.stats().truncated()).isEqualTo(1);
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.batch(A, 2));
    }

    @Test
    void dropsSplitRunsAndAreCounted() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = bound(k);
        decide = id -> id == 2 ? D : A;
        for (int id = 1; id <= 4; id++) {
            k.deliver(NfqueueGen.packet(5, id, PAYLOAD));
        }
        for (int i = 0; i < 5; i++) {
            s.step(0);
        }
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.single(A, 1), Sent.single(D, 2),
                Sent.batch(A, 4));
        assertThat(s.stats().dropped()).isEqualTo(1);
        assertThat(s.stats().accepted()).isEqualTo(3);
    }

    @Test
    void handlerMarkTravelsWithTheVerdict() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = new QueueService(QueueConfig.of(5), (buf, off, len, p) -> {
            p.setVerdictMark(0x42);
            return A;
        }, k, () -> 0L);
        s.bind();
        k.sent().clear();
        k.deliver(NfqueueGen.packet(5, 9, PAYLOAD));
        s.step(0);
        s.step(0);
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.single(A, 9).withMark(0x42));
    }

    @Test
    void overrunsGapsAndKernelErrorsAreCountedNeverFatal() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = bound(k);
        k.deliver(NfqueueGen.packet(5, 1, PAYLOAD));
        k.deliverErrno(-Errno.ENOBUFS);
        k.deliver(NfqueueGen.packet(5, 4, PAYLOAD));
        k.deliver(ScriptedKernel.ack(0, NfqueueCodec.TYPE_VERDICT, -Errno.ENOENT, null));
        k.deliver(NfqueueGen.packet(5, 5, PAYLOAD));
        for (int i = 0; i < 7; i++) {
            s.step(0);
        }
        QueueStats st = s.stats();
        assertThat(st.received()).isEqualTo(3);
        assertThat(st.overruns()).isEqualTo(1);
        assertThat(st.gaps()).isEqualTo(2);
        assertThat(st.verdictErrors()).isEqualTo(1);
        assertThat(seen).containsExactly(1, 4, 5);
        // the overrun ends the first batch (1 goes out alone); the lost ids 2 and 3 are not queued any more
        // (fail-open accepted them), so the next batch covers 4 and 5
        assertThat(k.batchSizes()).containsExactly(1, 3);
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.single(A, 1), Sent.batch(A, 5));
    }

    @Test
    void failingHandlerAcceptsAndPacketsWithoutPayloadSkipTheHandler() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = new QueueService(QueueConfig.of(5), (buf, off, len, p) -> {
            throw new IllegalStateException("boom");
        }, k, () -> 0L);
        s.bind();
        k.sent().clear();
        k.deliver(NfqueueGen.packet(5, 1, PAYLOAD));
        k.deliver(NfqueueGen.packet(5, 2, null));
        s.step(0);
        s.step(0);
        s.step(0);
        assertThat(s.stats().handlerErrors()).isEqualTo(1);
        assertThat(s.stats().accepted()).isEqualTo(2);
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.batch(A, 2));
    }

    @Test
    void packetsArrivingDuringBindGetVerdicts() throws Exception {
        ScriptedKernel k = new ScriptedKernel((m, kk) -> {
            if (SentVerdicts.configCommands(List.of(ScriptedKernelBytes.of(m))).equals(List.of(-1))) {
                kk.deliver(NfqueueGen.packet(5, 77, PAYLOAD)); // queued packet overtakes the ack
            }
            if ((m.flags() & Netlink.NLM_F_ACK) != 0) {
                kk.deliver(ScriptedKernel.ack(m.seq(), m.type(), 0, null));
            }
        });
        QueueService s = new QueueService(QueueConfig.of(5), handler, k, () -> 0L);
        s.bind();
        assertThat(seen).containsExactly(77, 77, 77);
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.batch(A, 77));
    }

    @Test
    void stopFlushesUnbindsAndCloses() throws Exception {
        ScriptedKernel k = ScriptedKernel.acking();
        QueueService s = bound(k);
        k.deliver(NfqueueGen.packet(5, 1, PAYLOAD));
        s.step(0);
        s.stop();
        assertThat(SentVerdicts.decode(k.sent())).containsExactly(Sent.single(A, 1));
        assertThat(SentVerdicts.configCommands(k.sent())).containsExactly(NfqueueCodec.NFQNL_CFG_CMD_UNBIND);
        assertThat(k.isClosed()).isTrue();
    }
}
