package org.btblocker.detectors.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.hex;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** Parser vectors: BEP 15 layouts ("Connect", "Announce", "Scrape", "Errors") and URL-encoded query values. */
class TrackerMessageTest {

    @Test
    void connectRequestVector() {
        byte[] connect = hex("0000041727101980 00000000 69bc5c82");   // protocol id, action 0, transaction id
        assertThat(UdpTrackerMessage.connectRequestTransaction(ByteBuffer.wrap(connect), 0, 16)).isEqualTo(0x69bc5c82L);
        assertThat(UdpTrackerMessage.connectRequestTransaction(ByteBuffer.wrap(connect), 0, 15)).isEqualTo(-1);
    }

    @Test
    void responseLengthsFollowBep15() {
        ByteBuffer b = ByteBuffer.wrap(new byte[200]);
        b.putInt(0, 1);                                       // announce: 20 + 6n, or 20 + 18n over IPv6
        assertThat(UdpTrackerMessage.responseAction(b, 0, 20, false)).isEqualTo(1);
        assertThat(UdpTrackerMessage.responseAction(b, 0, 26, false)).isEqualTo(1);
        assertThat(UdpTrackerMessage.responseAction(b, 0, 27, false)).isEqualTo(-1);
        assertThat(UdpTrackerMessage.responseAction(b, 0, 38, true)).isEqualTo(1);
        assertThat(UdpTrackerMessage.responseAction(b, 0, 26, true)).isEqualTo(-1);
        b.putInt(0, 2);                                       // scrape: 8 + 12n, n >= 1
        assertThat(UdpTrackerMessage.responseAction(b, 0, 20, false)).isEqualTo(2);
        assertThat(UdpTrackerMessage.responseAction(b, 0, 8, false)).isEqualTo(-1);
        b.putInt(0, 0);                                       // connect: 16
        assertThat(UdpTrackerMessage.responseAction(b, 0, 16, false)).isEqualTo(0);
        assertThat(UdpTrackerMessage.responseAction(b, 0, 17, false)).isEqualTo(-1);
        b.putInt(0, 3);                                       // error: any message
        assertThat(UdpTrackerMessage.responseAction(b, 0, 8, false)).isEqualTo(3);
        b.putInt(0, 4);
        assertThat(UdpTrackerMessage.responseAction(b, 0, 20, false)).isEqualTo(-1);
    }

    @Test
    void scrapeRequestHoldsOneTo74Hashes() {
        for (int n : new int[] {1, 74}) {
            byte[] s = TrackerGen.scrapeRequest(1L, 2, n);
            assertThat(UdpTrackerMessage.requestAction(ByteBuffer.wrap(s), 0, s.length)).isEqualTo(2);
        }
        byte[] tooMany = TrackerGen.scrapeRequest(1L, 2, 75);
        assertThat(UdpTrackerMessage.requestAction(ByteBuffer.wrap(tooMany), 0, tooMany.length)).isEqualTo(-1);
        byte[] ragged = TrackerGen.scrapeRequest(1L, 2, 2);
        assertThat(UdpTrackerMessage.requestAction(ByteBuffer.wrap(ragged), 0, ragged.length - 1)).isEqualTo(-1);
    }

    @Test
    void urlDecodedLengths() {
        assertThat(decoded("%aa7i%c4S")).isEqualTo(5);
        assertThat(decoded("abc")).isEqualTo(3);
        assertThat(decoded("")).isEqualTo(0);
        assertThat(decoded("%a")).isEqualTo(-1);
        assertThat(decoded("%zz")).isEqualTo(-1);
        assertThat(decoded("a b")).isEqualTo(-1);
        byte[] v = ascii("%41%42c");
        assertThat(HttpTrackerRequest.decodedByte(ByteBuffer.wrap(v), 0, v.length, 1)).isEqualTo('B');
        assertThat(HttpTrackerRequest.decodedByte(ByteBuffer.wrap(v), 0, v.length, 2)).isEqualTo('c');
    }

    @Test
    void userAgentTokensArePrefixesOfWholeTokens() {
        byte[][] tokens = {ascii("Deluge"), ascii("uTorrent/")};
        assertThat(ua("Deluge 1.3.15", tokens)).isTrue();
        assertThat(ua("Deluge/2.0.3", tokens)).isTrue();
        assertThat(ua("Deluge", tokens)).isTrue();
        assertThat(ua("DelugeX", tokens)).isFalse();
        assertThat(ua("uTorrent/3.5.5", tokens)).isTrue();
        assertThat(ua("xuTorrent/3.5.5", tokens)).isFalse();
    }

    private static int decoded(String s) {
        byte[] b = ascii(s);
        return HttpTrackerRequest.decodedLength(ByteBuffer.wrap(b), 0, b.length);
    }

    private static boolean ua(String s, byte[][] tokens) {
        byte[] b = ascii(s);
        return HttpTrackerRequest.isClientUserAgent(ByteBuffer.wrap(b), 0, b.length, tokens);
    }
}
