package org.btblocker.netfilter.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;

import org.btblocker.netfilter.nfqueue.SentVerdicts.Sent;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Test;

/** Runs of equal verdicts become one message; anything different ends the run first. */
class VerdictBatchTest {

    private static final int A = PacketHandler.ACCEPT;
    private static final int D = PacketHandler.DROP;

    private final ScriptedKernel kernel = ScriptedKernel.silent();

    @Test
    void runOfAcceptsIsOneBatchForTheLastId() throws Exception {
        VerdictBatch b = new VerdictBatch(kernel, 3, 64);
        b.add(1, A, false, 0);
        b.add(2, A, false, 0);
        b.add(3, A, false, 0);
        assertThat(kernel.sent()).isEmpty();
        assertThat(b.pending()).isEqualTo(3);
        b.flush();
        assertThat(SentVerdicts.decode(kernel.sent())).containsExactly(Sent.batch(A, 3));
        assertThat(b.pending()).isZero();
        assertThat(b.messagesSent()).isEqualTo(1);
        b.flush();
        assertThat(kernel.sent()).hasSize(1);
    }

    @Test
    void aDifferentVerdictSendsThePendingRunFirst() throws Exception {
        VerdictBatch b = new VerdictBatch(kernel, 3, 64);
        b.add(1, A, false, 0);
        b.add(2, D, false, 0);
        // the accept of 1 must reach the kernel before anything could cover packet 2
        assertThat(SentVerdicts.decode(kernel.sent())).containsExactly(Sent.single(A, 1));
        b.add(3, A, false, 0);
        b.add(4, A, false, 0);
        b.flush();
        assertThat(SentVerdicts.decode(kernel.sent())).containsExactly(Sent.single(A, 1), Sent.single(D, 2),
                Sent.batch(A, 4));
    }

    @Test
    void marksSplitRuns() throws Exception {
        VerdictBatch b = new VerdictBatch(kernel, 3, 64);
        b.add(1, A, true, 5);
        b.add(2, A, true, 5);
        b.add(3, A, false, 0);
        b.add(4, A, true, 6);
        b.add(5, A, true, 0);
        b.flush();
        assertThat(SentVerdicts.decode(kernel.sent())).containsExactly(Sent.batch(A, 2).withMark(5),
                Sent.single(A, 3), Sent.single(A, 4).withMark(6), Sent.single(A, 5).withMark(0));
    }

    @Test
    void longRunsAreCutAtMaxRun() throws Exception {
        VerdictBatch b = new VerdictBatch(kernel, 3, 3);
        for (int id = 10; id < 17; id++) {
            b.add(id, D, false, 0);
        }
        assertThat(SentVerdicts.decode(kernel.sent())).containsExactly(Sent.batch(D, 12), Sent.batch(D, 15));
        assertThat(b.pending()).isEqualTo(1);
        b.flush();
        assertThat(SentVerdicts.decode(kernel.sent())).endsWith(Sent.single(D, 16));
    }
}
