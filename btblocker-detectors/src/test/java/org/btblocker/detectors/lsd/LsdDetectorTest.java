package org.btblocker.detectors.lsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.ascii;

import com.typesafe.config.ConfigFactory;
import java.util.ServiceLoader;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** The lsd detector on flows, its settings and its provider. */
class LsdDetectorTest implements WithQuickTheories {

    private static final byte[] ANNOUNCE = ascii("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n"
        + "Infohash: ED4F1085E885F98F9A69B70EE89EB988B8FD9115\r\n\r\n\r\n");
    private static final byte[] ANNOUNCE6 = ascii("BT-SEARCH * HTTP/1.1\r\nHost: [ff15::efc0:988f]:6771\r\n"
        + "Port: 6881\r\nInfohash: ed4f1085e885f98f9a69b70ee89eb988b8fd9115\r\ncookie: abc\r\n\r\n\r\n");

    static LsdDetector detector(boolean unicast) {
        return new LsdDetector(new LsdSettings(unicast));
    }

    static LsdDetector defaults() {
        return (LsdDetector) new LsdDetectorProvider().create(
            ConfigFactory.defaultReference().getConfig("btblocker.lsd"));
    }

    @Test
    void announcesToTheMulticastGroupsMatch() {
        Verdict v = new TestFlow(defaults()).feed(Packets.udp("192.168.0.102", 6771, "239.192.152.143", 6771, ANNOUNCE));
        assertThat(v.isMatch()).isTrue();
        assertThat(v.reason()).isEqualTo("BEP 14 local service discovery announce");
        assertThat(new TestFlow(defaults()).feed(Packets.udp("fe80::1", 6771, "ff15::efc0:988f", 6771, ANNOUNCE6))
            .isMatch()).isTrue();
    }

    @Test
    void unicastIsIgnoredUnlessConfigured() {
        Packets unicast = Packets.udp("192.168.0.102", 6771, "192.168.0.7", 6771, ANNOUNCE);
        assertThat(new TestFlow(defaults()).feed(unicast)).isSameAs(Verdict.NOT_MINE);
        assertThat(new TestFlow(detector(true)).feed(unicast).isMatch()).isTrue();
        assertThat(new TestFlow(detector(true)).feed(Packets.udp("192.168.0.102", 6771, "192.168.0.7", 6772,
            ANNOUNCE))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void wrongGroupPortOrPayloadIsNotMine() {
        assertThat(new TestFlow(defaults()).feed(Packets.udp("192.168.0.102", 6771, "239.192.152.144", 6771,
            ANNOUNCE))).isSameAs(Verdict.NOT_MINE);
        assertThat(new TestFlow(defaults()).feed(Packets.udp("192.168.0.102", 6771, "239.192.152.143", 6772,
            ANNOUNCE))).isSameAs(Verdict.NOT_MINE);
        assertThat(new TestFlow(defaults()).feed(Packets.udp("fe80::1", 6771, "ff02::efc0:988f", 6771, ANNOUNCE6)))
            .isSameAs(Verdict.NOT_MINE);
        // SSDP to its own group, and SSDP-like text to the LSD group
        byte[] ssdp = ascii("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
            + "MX: 1\r\nST: ssdp:all\r\n\r\n");
        assertThat(new TestFlow(defaults()).feed(Packets.udp("192.168.0.2", 50000, "239.255.255.250", 1900, ssdp)))
            .isSameAs(Verdict.NOT_MINE);
        assertThat(new TestFlow(defaults()).feed(Packets.udp("192.168.0.2", 6771, "239.192.152.143", 6771, ssdp)))
            .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void onlyTheFirstDatagramCounts() {
        TestFlow flow = new TestFlow(defaults());
        assertThat(flow.feed(Packets.udp("192.168.0.2", 6771, "239.192.152.143", 6771, ascii("hello"))))
            .isSameAs(Verdict.NOT_MINE);
        assertThat(flow.feed(Packets.udp("192.168.0.2", 6771, "239.192.152.143", 6771, ANNOUNCE)))
            .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void randomPayloadsToTheGroupNeverThrowNorMatch() {
        qt().forAll(org.btblocker.detectors.bencode.BencodeGen.randomBytes(200)).checkAssert(b -> {
            if (b.length > 0) {
                assertThat(new TestFlow(defaults()).feed(Packets.udp("10.0.0.1", 6771, "239.192.152.143", 6771, b))
                    .isMatch()).isFalse();
            }
        });
        qt().forAll(LsdGen.announceBytes()).checkAssert(b ->
            assertThat(new TestFlow(defaults()).feed(Packets.udp("10.0.0.1", 6771, "239.192.152.143", 6771, b))
                .isMatch()).isTrue());
    }

    @Test
    void settingsAndProvider() {
        assertThat(LsdSettings.from(ConfigFactory.defaultReference().getConfig("btblocker.lsd")))
            .isEqualTo(new LsdSettings(false));
        DetectorProvider p = ServiceLoader.load(DetectorProvider.class).stream()
            .map(ServiceLoader.Provider::get).filter(x -> x.name().equals("lsd")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(LsdDetectorProvider.class);
        assertThat(p.interest()).isEqualTo(Interest.UDP_PAYLOAD);
    }
}
