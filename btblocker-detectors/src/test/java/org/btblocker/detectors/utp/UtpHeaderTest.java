package org.btblocker.detectors.utp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.hex;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** Header vectors written from the BEP 29 "header format" section. */
class UtpHeaderTest {

    private static int parse(byte[] b) {
        return UtpHeader.parse(ByteBuffer.wrap(b), 0, b.length);
    }

    @Test
    void synHeaderFieldsAtTheirBep29Offsets() {
        // type ST_SYN (4) << 4 | version 1, no extension, connection_id 0x5302, timestamp 0x10eeb2f0,
        // timestamp_difference 0, wnd_size 0x00100000, seq_nr 0xe7f5, ack_nr 0
        byte[] syn = hex("41 00 5302 10eeb2f0 00000000 00100000 e7f5 0000");
        ByteBuffer b = ByteBuffer.wrap(syn);
        assertThat(parse(syn)).isEqualTo(20);
        assertThat(UtpHeader.type(b, 0)).isEqualTo(UtpHeader.ST_SYN);
        assertThat(UtpHeader.connectionId(b, 0)).isEqualTo(0x5302);
        assertThat(UtpHeader.timestampMicros(b, 0)).isEqualTo(0x10eeb2f0L);
        assertThat(UtpHeader.timestampDifferenceMicros(b, 0)).isZero();
        assertThat(UtpHeader.windowSize(b, 0)).isEqualTo(0x100000L);
        assertThat(UtpHeader.seqNr(b, 0)).isEqualTo(0xe7f5);
        assertThat(UtpHeader.ackNr(b, 0)).isZero();
    }

    @Test
    void unsignedFieldsStayUnsigned() {
        byte[] h = hex("01 00 ffff ffffffff fffffffe fffffffd fffe fffd");
        ByteBuffer b = ByteBuffer.wrap(h);
        assertThat(parse(h)).isEqualTo(20);
        assertThat(UtpHeader.connectionId(b, 0)).isEqualTo(0xffff);
        assertThat(UtpHeader.timestampMicros(b, 0)).isEqualTo(0xffffffffL);
        assertThat(UtpHeader.timestampDifferenceMicros(b, 0)).isEqualTo(0xfffffffeL);
        assertThat(UtpHeader.windowSize(b, 0)).isEqualTo(0xfffffffdL);
        assertThat(UtpHeader.seqNr(b, 0)).isEqualTo(0xfffe);
        assertThat(UtpHeader.ackNr(b, 0)).isEqualTo(0xfffd);
    }

    @Test
    void stateWithSelectiveAckExtension() {
        // BEP 29 "extension": type 1 selective ack, next extension 0, length 4, 32-bit mask
        byte[] state = hex("21 01 5302 07607ecf 10f61144 0000f000 49c9 e7f7 00 04 01000000");
        assertThat(parse(state)).isEqualTo(26);
        assertThat(UtpHeader.type(ByteBuffer.wrap(state), 0)).isEqualTo(UtpHeader.ST_STATE);
    }

    @Test
    void stateWithExtensionBitsAndChainedExtensions() {
        byte[] bits = hex("21 02 5302 06ff3f5f 7fffffff 0000f000 49c7 e7f5 00 08 0000000000000000");
        assertThat(parse(bits)).isEqualTo(30);
        // selective ack (8 bytes) chained to close reason (4 bytes)
        byte[] chain = hex("21 01 0001 00000000 00000000 00000000 0001 0002 03 08 0000000000000000 00 04 00000003");
        assertThat(parse(chain)).isEqualTo(20 + 10 + 6);
    }

    @Test
    void dataPayloadStartsAfterTheExtensions() {
        byte[] data = hex("01 01 5303 00000000 00000000 00000000 0001 0002 00 04 ffffffff 13426974");
        assertThat(parse(data)).isEqualTo(26);
    }

    @Test
    void rejectsWrongVersionTypeOrLength() {
        assertThat(parse(hex("40 00 5302 10eeb2f0 00000000 00100000 e7f5 0000"))).isEqualTo(-1); // version 0
        assertThat(parse(hex("42 00 5302 10eeb2f0 00000000 00100000 e7f5 0000"))).isEqualTo(-1); // version 2
        assertThat(parse(hex("51 00 5302 10eeb2f0 00000000 00100000 e7f5 0000"))).isEqualTo(-1); // type 5
        assertThat(parse(hex("41 00 5302 10eeb2f0 00000000 00100000 e7f5 00"))).isEqualTo(-1);   // 19 bytes
        assertThat(parse(new byte[0])).isEqualTo(-1);
    }

    @Test
    void rejectsBadExtensions() {
        // unknown extension type 7
        assertThat(parse(hex("21 07 0001 00000000 00000000 00000000 0001 0002 00 04 00000000"))).isEqualTo(-1);
        // selective ack of 3 bytes (not a multiple of 4)
        assertThat(parse(hex("21 01 0001 00000000 00000000 00000000 0001 0002 00 03 000000"))).isEqualTo(-1);
        // selective ack of 0 bytes
        assertThat(parse(hex("21 01 0001 00000000 00000000 00000000 0001 0002 00 00"))).isEqualTo(-1);
        // extension length past the end
        assertThat(parse(hex("01 01 0001 00000000 00000000 00000000 0001 0002 00 08 00000000"))).isEqualTo(-1);
        // extension header cut off
        assertThat(parse(hex("01 01 0001 00000000 00000000 00000000 0001 0002 00"))).isEqualTo(-1);
    }

    @Test
    void capsTheExtensionChain() {
        String sack = " 01 04 00000000";
        String header = "01 01 0001 00000000 00000000 00000000 0001 0002";
        assertThat(parse(hex(header + sack.repeat(3) + " 00 04 00000000"))).isEqualTo(20 + 4 * 6);
        assertThat(parse(hex(header + sack.repeat(4) + " 00 04 00000000"))).isEqualTo(-1);
    }

    @Test
    void stateAndSynCarryNoPayload() {
        assertThat(parse(hex("21 00 5302 10eeb2f0 00000000 00100000 e7f5 0000 00"))).isEqualTo(-1);
        assertThat(parse(hex("41 00 5302 10eeb2f0 00000000 00100000 e7f5 0000 ab"))).isEqualTo(-1);
        assertThat(parse(hex("11 00 5302 10eeb2f0 00000000 00100000 e7f5 0000 ab"))).isEqualTo(20); // FIN may
    }

    @Test
    void respectsOffsetAndBufferLimit() {
        byte[] syn = hex("41 00 5302 10eeb2f0 00000000 00100000 e7f5 0000");
        byte[] shifted = new byte[syn.length + 7];
        System.arraycopy(syn, 0, shifted, 7, syn.length);
        ByteBuffer b = ByteBuffer.wrap(shifted);
        assertThat(UtpHeader.parse(b, 7, syn.length)).isEqualTo(20);
        assertThat(UtpHeader.connectionId(b, 7)).isEqualTo(0x5302);
        assertThat(UtpHeader.parse(b, 8, syn.length)).isEqualTo(-1); // would read past the limit
        assertThat(UtpHeader.parse(b, -1, syn.length)).isEqualTo(-1);
        assertThat(UtpHeader.parse(null, 0, 20)).isEqualTo(-1);
    }
}
