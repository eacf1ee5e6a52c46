package org.btblocker.api.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class PacketViewTest {

    static byte[] hex(String s) {
        s = s.replace(" ", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static PacketView view(byte[] bytes) {
        return new PacketView().reset(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    // IPv4 (RFC 791) 10.0.0.1 -> 10.0.0.2, UDP (RFC 768) 6881 -> 51413, payload "hi"
    static final String IPV4_UDP = "4500 001e 0000 4000 4011 0000 0a000001 0a000002 1ae1 c8d5 000a 0000 6869";

    @Test
    void parsesIpv4Udp() {
        PacketView p = view(hex(IPV4_UDP));
        assertThat(p.isParseable()).isTrue();
        assertThat(p.ipVersion()).isEqualTo(4);
        assertThat(p.isUdp()).isTrue();
        assertThat(p.srcPort()).isEqualTo(6881);
        assertThat(p.dstPort()).isEqualTo(51413);
        assertThat(p.payloadLength()).isEqualTo(2);
        assertThat(p.payloadByte(0)).isEqualTo('h');
        assertThat(Addresses.format(p.srcHi(), p.srcLo(), p.srcPort())).isEqualTo("10.0.0.1:6881");
        assertThat(p.toString()).contains("10.0.0.1:6881 -> 10.0.0.2:51413");
    }

    @Test
    void ignoresEthernetPaddingAfterTheIpTotalLength() {
        byte[] padded = hex(IPV4_UDP + "000000000000000000");
        assertThat(view(padded).payloadLength()).isEqualTo(2);
    }

    @Test
    void parsesIpv4TcpWithOptionsAndFlags() {
        // IHL 6 (one option word), TCP data offset 6 (one option word), SYN|ACK, payload "x"
        byte[] b = hex("4600 0031 0000 0000 4006 0000 c0a80001 c0a80002 01010101"
                + "1ae1 0050 00000064 000000c8 6012 ffff 0000 0000 02040 5b4" + "78");
        PacketView p = view(b);
        assertThat(p.isTcp()).isTrue();
        assertThat(p.tcpSeq()).isEqualTo(100);
        assertThat(p.tcpAck()).isEqualTo(200);
        assertThat(p.hasTcpFlags(PacketView.SYN | PacketView.ACK)).isTrue();
        assertThat(p.payloadLength()).isEqualTo(1);
        assertThat(p.payloadByte(0)).isEqualTo('x');
    }

    @Test
    void parsesIpv6WithExtensionHeaders() throws Exception {
        // IPv6 (RFC 8200): hop-by-hop (8 bytes) then destination options (8 bytes) then UDP
        String src = "20010db8000000000000000000000001";
        String dst = "20010db8000000000000000000000002";
        byte[] b = hex("60000000 001a 00 40" + src + dst
                + "3c00 0000 0000 0000" + "1100 0000 0000 0000" + "1ae1 1ae1 000a 0000 6869");
        PacketView p = view(b);
        assertThat(p.isParseable()).isTrue();
        assertThat(p.ipVersion()).isEqualTo(6);
        assertThat(p.isUdp()).isTrue();
        assertThat(p.payloadLength()).isEqualTo(2);
        assertThat(Addresses.format(p.dstHi(), p.dstLo(), p.dstPort())).isEqualTo("[2001:db8::2]:6881");
        assertThat(Addresses.toInetAddress(p.srcHi(), p.srcLo())).isEqualTo(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void ipv6NonFirstFragmentHasNoTransportHeader() {
        String a = "20010db8000000000000000000000001";
        byte[] first = hex("60000000 0012 2c 40" + a + a + "1100 0001 00000001" + "1ae1 1ae1 000a 0000 6869");
        assertThat(view(first).isParseable()).isTrue();
        assertThat(view(first).isFragment()).isTrue();
        byte[] later = hex("60000000 0010 2c 40" + a + a + "1100 0008 00000001" + "0102030405060708");
        assertThat(view(later).status()).isEqualTo(PacketView.Status.NOT_TCP_OR_UDP);
    }

    @Test
    void ipv4LaterFragmentsAreNotParseableButFirstFragmentsAre() {
        byte[] later = hex("4500 001e 0000 0001 4011 0000 0a000001 0a000002 1ae1 c8d5 000a 0000 6869");
        assertThat(view(later).status()).isEqualTo(PacketView.Status.NOT_TCP_OR_UDP);
        byte[] first = hex("4500 001e 0000 2000 4011 0000 0a000001 0a000002 1ae1 c8d5 000a 0000 6869");
        assertThat(view(first).isParseable()).isTrue();
        assertThat(view(first).isFragment()).isTrue();
    }

    @Test
    void reportsMalformedPackets() {
        assertThat(view(new byte[0]).status()).isEqualTo(PacketView.Status.MALFORMED);
        assertThat(view(hex("45")).status()).isEqualTo(PacketView.Status.MALFORMED);
        assertThat(view(hex("7500 001e")).status()).isEqualTo(PacketView.Status.MALFORMED);
        // TCP header cut short
        assertThat(view(hex("4500 0028 0000 0000 4006 0000 0a000001 0a000002 1ae1 0050")).status())
                .isEqualTo(PacketView.Status.MALFORMED);
        // ICMP is well formed but not ours
        assertThat(view(hex("4500 001c 0000 0000 4001 0000 0a000001 0a000002 0800 0000 0000 0000")).status())
                .isEqualTo(PacketView.Status.NOT_TCP_OR_UDP);
    }

    @Test
    void aSnapTruncatedPacketKeepsWhatWasCaptured() {
        byte[] b = hex("4500 0400 0000 4000 4011 0000 0a000001 0a000002 1ae1 c8d5 03ec 0000 6869");
        PacketView p = view(b);
        assertThat(p.isParseable()).isTrue();
        assertThat(p.payloadLength()).isEqualTo(2);
    }

    @Test
    void resetReusesTheViewWithoutLeftovers() {
        PacketView p = view(hex(IPV4_UDP));
        p.reset(ByteBuffer.wrap(hex("45")), 0, 1);
        assertThat(p.isParseable()).isFalse();
        assertThat(p.srcPort()).isZero();
        assertThat(p.payloadLength()).isZero();
    }

    @Test
    void formatsIpv6PerRfc5952() {
        assertThat(Addresses.formatAddress(0x20010db800000000L, 0x0000000000000001L)).isEqualTo("2001:db8::1");
        assertThat(Addresses.formatAddress(0x20010db800000001L, 0x0000000000000001L)).isEqualTo("2001:db8:0:1::1");
        assertThat(Addresses.formatAddress(0, 1)).isEqualTo("::1");
        assertThat(Addresses.formatAddress(0x20010db800010001L, 0x0001000100010001L))
                .isEqualTo("2001:db8:1:1:1:1:1:1");
        assertThat(Addresses.formatAddress(0x2001000000000000L, 0x0000000100000000L)).isEqualTo("2001::1:0:0");
    }
}
