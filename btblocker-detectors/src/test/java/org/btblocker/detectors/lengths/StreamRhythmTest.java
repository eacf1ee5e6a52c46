package org.btblocker.detectors.lengths;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** Lengths from BEP 3 ("Peer messages"): request 4 + 13 bytes, have 4 + 5, piece 4 + 9 + block. */
class StreamRhythmTest implements WithQuickTheories {

    private static final int P = StreamRhythm.PIECE_MESSAGE;

    @Test
    void pieceMessageOfA16KiBBlock() {
        assertThat(P).isEqualTo(16_397);
        assertThat(StreamRhythm.isPieceFlight(P)).isTrue();
        assertThat(StreamRhythm.isPieceFlight(7L * P)).isTrue();
        assertThat(StreamRhythm.isPieceFlight(P + 50)).isFalse();
        assertThat(StreamRhythm.isPieceFlight(16_417)).isFalse();          // an AEAD shadowsocks chunk
        assertThat(StreamRhythm.isPieceFlight(65L * P)).isFalse();         // beyond the bound
    }

    @Test
    void controlAndRequestFlights() {
        for (int n : new int[] {5, 9, 10, 13, 14, 17, 18}) {
            assertThat(StreamRhythm.isControlFlight(n)).as("%d", n).isTrue();
        }
        for (int n : new int[] {0, 4, 6, 21, 22, 34, 35, 68}) {
            assertThat(StreamRhythm.isControlFlight(n)).as("%d", n).isFalse();
        }
        assertThat(StreamRhythm.isRequestFlight(17)).isTrue();
        assertThat(StreamRhythm.isRequestFlight(17 * 16 + 9)).isTrue();    // aria2: 16 requests and a have
        assertThat(StreamRhythm.isRequestFlight(17 * 120 + 18)).isTrue();
        assertThat(StreamRhythm.isRequestFlight(9)).isFalse();             // no request in it
        assertThat(StreamRhythm.isRequestFlight(17 * 4 + 5)).isFalse();
    }

    @Test
    void packetEndsAWholeNumberOfPiecesApartAreHits() {
        long dir = StreamRhythm.startAt(1000);
        long ring = StreamRhythm.EMPTY_RING;
        long seq = 1000;
        int[] segments = {50, 8688, 7709, 13, 15928, 456, 13, 16384};      // the lab's libtorrent uploader
        int[] hitsAfter = {0, 0, 1, 1, 1, 2, 3, 4};   // 50 + 16,397 = 16,447; then the header and block ends
        for (int i = 0; i < segments.length; i++) {
            int added = StreamRhythm.newBytes(dir, seq, segments[i]);
            assertThat(added).isEqualTo(segments[i]);
            seq += segments[i];
            dir = StreamRhythm.advance(dir, seq, added, ring);
            ring = StreamRhythm.pushEnd(ring, StreamRhythm.position(dir));
            assertThat(StreamRhythm.hits(dir)).as("after segment %d", i).isEqualTo(hitsAfter[i]);
        }
    }

    @Test
    void retransmissionsAndHolesCountAsTheStreamDoes() {
        long dir = StreamRhythm.startAt(0xffff_fff0L);                     // wraps
        assertThat(StreamRhythm.newBytes(dir, 0xffff_fff0L, 100)).isEqualTo(100);
        dir = StreamRhythm.advance(dir, 0xffff_fff0L + 100, 100, StreamRhythm.EMPTY_RING);
        assertThat(StreamRhythm.newBytes(dir, 0xffff_fff0L, 100)).isEqualTo(StreamRhythm.OLD);
        assertThat(StreamRhythm.newBytes(dir, 0xffff_fff0L + 50, 100)).isEqualTo(50);
        assertThat(StreamRhythm.newBytes(dir, 0xffff_fff0L + 300, 100)).isEqualTo(300); // a 200-byte hole
        assertThat(StreamRhythm.position(dir)).isEqualTo(100);
        assertThat(StreamRhythm.newBytes(0, 5, 77)).as("not started").isEqualTo(77);
    }

    @Test
    void randomPacketEndsRarelyHit() {
        Random r = new Random(1);
        int flowsWithThreeHits = 0;
        for (int flow = 0; flow < 2000; flow++) {
            long dir = StreamRhythm.startAt(r.nextInt());
            long seq = dir & 0xffff_ffffL;
            long ring = StreamRhythm.EMPTY_RING;
            for (int i = 0; i < 256; i++) {
                int len = 1 + r.nextInt(65_000);
                seq += len;
                dir = StreamRhythm.advance(dir, seq, len, ring);
                ring = StreamRhythm.pushEnd(ring, StreamRhythm.position(dir));
            }
            flowsWithThreeHits += StreamRhythm.hits(dir) >= 3 ? 1 : 0;
        }
        assertThat(flowsWithThreeHits).isZero();
    }

    @Test
    void stateStaysInRange() {
        qt().forAll(longs().all(), longs().all(), integers().between(1, 1 << 20), longs().all())
                .checkAssert((dir, seq, len, ring) -> {
                    int added = StreamRhythm.newBytes(dir, seq, len);
                    assertThat(added == StreamRhythm.OLD || added > 0).isTrue();
                    if (added > 0) {
                        long next = StreamRhythm.advance(dir, seq + len, added, ring);
                        assertThat(StreamRhythm.position(next)).isBetween(0, P - 1);
                        assertThat(StreamRhythm.hits(next)).isBetween(StreamRhythm.hits(dir),
                                Math.min(255, StreamRhythm.hits(dir) + 1));
                        assertThat(StreamRhythm.isStarted(next)).isTrue();
                    }
                });
    }
}
