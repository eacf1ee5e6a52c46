package org.btblocker.detectors.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;

import org.btblocker.api.Verdict;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class TrackerPropertyTest implements WithQuickTheories {

    @Test
    void generatedAnnouncesAreRecognised() {
        qt().forAll(TrackerGen.seeds()).checkAssert(seed -> {
            String target = TrackerGen.randomAnnounceTarget(new Random(seed));
            byte[] req = TrackerGen.httpGet(target, "User-Agent: curl/8.0");
            assertThat(HttpTrackerRequest.classify(ByteBuffer.wrap(req), 0, req.length, new byte[0][]))
                    .as(target).isIn(HttpTrackerRequest.ANNOUNCE, HttpTrackerRequest.ANNOUNCE_CLIENT_PEER_ID);
        });
    }

    @Test
    void generatedUdpExchangesAreRecognised() {
        qt().forAll(integers().all(), longs().all(), integers().between(0, 40)).checkAssert((tid, cid, n) -> {
            TestFlow f = new TestFlow(new TrackerDetector(TrackerDetectorTest.STRICT));
            assertThat(f.feed(TrackerDetectorTest.udpA(TrackerGen.connectRequest(tid)))).isSameAs(Verdict.UNDECIDED);
            assertThat(f.feed(TrackerDetectorTest.udpB(TrackerGen.connectResponse(tid, cid))))
                    .isSameAs(TrackerDetector.UDP_CONNECT_EXCHANGE);
            TestFlow g = new TestFlow(new TrackerDetector(TrackerDetectorTest.DEFAULTS));
            g.feed(TrackerDetectorTest.udpA(TrackerGen.announceRequest(cid, tid)));
            assertThat(g.feed(TrackerDetectorTest.udpB(TrackerGen.announceResponse(tid, new byte[6 * n]))))
                    .isSameAs(TrackerDetector.UDP_ANNOUNCE_EXCHANGE);
        });
    }

    @Test
    void randomAndMutatedBytesNeverThrowAndStayInBounds() {
        byte[][] agents = TrackerDetectorTest.DEFAULTS.userAgentBytes();
        qt().forAll(TrackerGen.seeds(), integers().between(0, 1500)).checkAssert((seed, n) -> {
            Random r = new Random(seed);
            byte[] bytes = sample(r, n);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            assertThat(HttpTrackerRequest.classify(b, 0, bytes.length, agents)).isBetween(-1, 6);
            assertThat(HttpTrackerResponse.classify(b, 0, bytes.length)).isIn(-1, 1, 2, 3);
            long body = HttpTrackerResponse.body(b, 0, bytes.length);
            if (body >= 0) {
                assertThat((int) (body >>> 32)).isBetween(0, bytes.length);
                assertThat((int) body).isBetween((int) (body >>> 32), bytes.length);
            }
            assertThat(UdpTrackerMessage.connectRequestTransaction(b, 0, bytes.length)).isBetween(-1L, 0xffffffffL);
            assertThat(UdpTrackerMessage.requestAction(b, 0, bytes.length)).isIn(-1, 1, 2);
            assertThat(UdpTrackerMessage.responseAction(b, 0, bytes.length, r.nextBoolean())).isBetween(-1, 3);
            assertThat(HttpTrackerRequest.decodedLength(b, 0, bytes.length)).isBetween(-1, bytes.length);
            TestFlow f = new TestFlow(new TrackerDetector(TrackerDetectorTest.DEFAULTS));
            f.feed(r.nextBoolean() ? TrackerDetectorTest.tcpA(bytes) : TrackerDetectorTest.udpA(bytes));
        });
    }

    @Test
    void randomUdpFlowsNeverMatch() {
        qt().withExamples(2000).forAll(TrackerGen.seeds()).checkAssert(seed -> {
            Random r = new Random(seed);
            TestFlow f = new TestFlow(new TrackerDetector(TrackerDetectorTest.DEFAULTS));
            for (int i = 0; i < 6; i++) {
                byte[] p = new byte[1 + r.nextInt(200)];
                r.nextBytes(p);
                Verdict v = f.feed(r.nextBoolean() ? TrackerDetectorTest.udpA(p) : TrackerDetectorTest.udpB(p));
                assertThat(v.isMatch()).isFalse();
                if (v == Verdict.NOT_MINE) {
                    break;
                }
            }
        });
    }

    /** Random bytes, or a valid tracker message with one byte changed and/or truncated. */
    private static byte[] sample(Random r, int n) {
        byte[] base = switch (r.nextInt(5)) {
            case 0 -> TrackerGen.httpGet(TrackerGen.randomAnnounceTarget(r), "User-Agent: qBittorrent/4.2");
            case 1 -> TrackerGen.httpResponse(TrackerGen.peersBody(new byte[12]));
            case 2 -> TrackerGen.announceRequest(r.nextLong(), r.nextInt());
            case 3 -> TrackerGen.connectRequest(r.nextInt());
            default -> {
                byte[] x = new byte[n];
                r.nextBytes(x);
                yield x;
            }
        };
        if (base.length > 0 && r.nextBoolean()) {
            base[r.nextInt(base.length)] = (byte) r.nextInt(256);
        }
        return r.nextBoolean() ? java.util.Arrays.copyOf(base, Math.min(base.length, n)) : base;
    }

}
