package org.btblocker.detectors.rhythm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.lengths.StreamRhythm;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Connections joined mid-stream, with the lengths of BEP 3 messages (RC4 keeps them). */
class RhythmDetectorTest implements WithQuickTheories {

    private static final String UP = "10.0.0.2";      // the uploader
    private static final String DOWN = "10.0.0.1";
    private static final int P = StreamRhythm.PIECE_MESSAGE;

    private static RhythmDetector detector() {
        return new RhythmDetector(RhythmSettings.from(ConfigFactory.load().getConfig("btblocker.rhythm")));
    }

    /** A connection the detector joins after both sides sent a lot already. */
    private static final class MidStream {
        final TestFlow flow = new TestFlow(detector());
        long up = 0x7000_0000L;
        long down = 0x1000_0000L;

        Verdict up(int length, Random r) {
            byte[] p = new byte[length];
            r.nextBytes(p);
            Verdict v = flow.feed(Packets.tcp(UP, 6881, DOWN, 51413, PacketView.ACK, up & 0xffffffffL,
                    down & 0xffffffffL, p));
            up += length;
            return v;
        }

        Verdict down(int length, Random r) {
            byte[] p = new byte[length];
            r.nextBytes(p);
            Verdict v = flow.feed(Packets.tcp(DOWN, 51413, UP, 6881, PacketView.ACK, down & 0xffffffffL,
                    up & 0xffffffffL, p));
            down += length;
            return v;
        }
    }

    @Test
    void piecesOneWayAndRequestsTheOtherMatchByAssociation() {
        Random r = new Random(1);
        MidStream s = new MidStream();
        assertThat(s.up(9000, r)).isSameAs(Verdict.UNDECIDED);           // the middle of a piece
        assertThat(s.down(34, r)).isSameAs(Verdict.UNDECIDED);           // partial flight: not judged
        Verdict v = Verdict.UNDECIDED;
        for (int i = 0; i < 8 && v == Verdict.UNDECIDED; i++) {
            v = s.up(13, r);                                             // a piece: header, block
            if (v == Verdict.UNDECIDED) {
                v = s.up(P - 13, r);
            }
            if (v == Verdict.UNDECIDED) {
                v = s.down(17 * 2, r);                                   // two more requests
            }
        }
        assertThat(v).isSameAs(RhythmDetector.PIECES_AND_REQUESTS);
        assertThat(v.provesEndpoints()).as("lengths are not a proof").isFalse();
    }

    @Test
    void piecesWithoutRequestsAreNotEnough() {
        Random r = new Random(2);
        MidStream s = new MidStream();
        Verdict v = Verdict.UNDECIDED;
        for (int i = 0; i < 300 && v == Verdict.UNDECIDED; i++) {
            v = s.up(P, r);
            if (v == Verdict.UNDECIDED) {
                v = s.down(0, r);                                        // acknowledgements only
            }
        }
        assertThat(v).isSameAs(Verdict.NOT_MINE);                        // maxPackets
    }

    @Test
    void aProxyDownloadNeverMatches() {
        // AEAD shadowsocks: 16,417-byte chunks down, acknowledgements and 35+-byte records up
        Random r = new Random(3);
        MidStream s = new MidStream();
        Verdict v = Verdict.UNDECIDED;
        for (int i = 0; i < 300 && v == Verdict.UNDECIDED; i++) {
            v = s.up(16_417 * (1 + r.nextInt(4)), r);
            if (v == Verdict.UNDECIDED && i % 5 == 0) {
                v = s.down(35 + r.nextInt(200), r);
            }
        }
        assertThat(v).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void flowsSeenFromTheirSynAreNotMine() {
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(Packets.tcp(DOWN, 51413, UP, 6881, PacketView.SYN, 1, 0, new byte[0])))
                .isSameAs(Verdict.NOT_MINE);
        TestFlow synAckFirst = new TestFlow(detector());                 // the SYN was missed: still mid-stream
        assertThat(synAckFirst.feed(Packets.tcp(UP, 6881, DOWN, 51413, PacketView.SYN | PacketView.ACK, 1, 2,
                new byte[0]))).isSameAs(Verdict.UNDECIDED);
    }

    @Test
    void randomLengthsNeverMatch() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            MidStream s = new MidStream();
            Verdict v = Verdict.UNDECIDED;
            for (int i = 0; i < 300 && v == Verdict.UNDECIDED; i++) {
                v = r.nextInt(3) == 0 ? s.down(1 + r.nextInt(1500), r) : s.up(1 + r.nextInt(60_000), r);
            }
            assertThat(v.isMatch()).isFalse();
        });
    }

    @Test
    void settingsAreCheckedAndTheProviderIsListed() {
        assertThatThrownBy(() -> RhythmSettings.from(ConfigFactory.load().getConfig("btblocker.rhythm")
                .withValue("minHits", ConfigValueFactory.fromAnyRef(1)))).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("btblocker.rhythm.minHits");
        DetectorProvider p = StreamSupport.stream(ServiceLoader.load(DetectorProvider.class).spliterator(), false)
                .filter(d -> d.name().equals("rhythm")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(RhythmDetectorProvider.class);
        assertThat(p.stateSlots()).isEqualTo(RhythmDetector.SLOTS).isBetween(0, 8);
        assertThat(p.interest().tcp()).isTrue();
        assertThat(p.interest().udp()).isFalse();
    }
}
