package org.btblocker.app.bans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.api.Direction;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;
import org.btblocker.api.ban.BanDurations;
import org.btblocker.engine.Decision;
import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

class BanPolicyTest {

    private static Config btblocker(String overrides) {
        return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseString("""
                btblocker {
                  banDuration = "18000"
                  monitorOnly = false
                  allowlist = []
                  ban { target = source, minEvidence = 3, localNetworks = ["10.0.0.0/8", "fd00::/8"] }
                }""")).resolve().getConfig("btblocker");
    }

    private static BanPolicy policy(String overrides) {
        return new BanPolicy(BanSettings.from(btblocker(overrides)));
    }

    private static Decision decision(int protocol, String initiator, String responder, Direction offender,
                                     boolean bidirectional) throws Exception {
        InetAddress i = InetAddress.getByName(initiator);
        InetAddress r = InetAddress.getByName(responder);
        return new Decision(protocol, Addresses.hi(i), Addresses.lo(i), 40000, Addresses.hi(r), Addresses.lo(r),
                6881, true, "handshake", "BEP 3 handshake", offender, bidirectional, true, 5, 0);
    }

    private static List<String> banned(BanPolicy.Plan plan) {
        return plan.addresses().stream().map(InetAddress::getHostAddress).toList();
    }

    @Test
    void sourceBansTheSenderOfTheMatchingPacket() throws Exception {
        BanPolicy p = policy("");
        assertThat(banned(p.plan(decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.INITIATOR, true))))
                .containsExactly("10.1.1.1");
        assertThat(banned(p.plan(decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.RESPONDER, true))))
                .containsExactly("8.8.4.4");
    }

    @Test
    void remoteLocalAndBothUseLocalNetworks() throws Exception {
        Decision d = decision(PacketView.UDP, "10.1.1.1", "203.0.113.9", Direction.INITIATOR, true);
        assertThat(banned(policy("btblocker.ban.target = remote").plan(d))).containsExactly("203.0.113.9");
        assertThat(banned(policy("btblocker.ban.target = local").plan(d))).containsExactly("10.1.1.1");
        assertThat(banned(policy("btblocker.ban.target = both").plan(d))).containsExactly("10.1.1.1", "203.0.113.9");
        assertThat(policy("btblocker.ban.target = none").plan(d).addresses()).isEmpty();
        Decision v6 = decision(PacketView.UDP, "fd00::5", "2001:db8::9", Direction.RESPONDER, true);
        assertThat(banned(policy("btblocker.ban.target = local").plan(v6))).containsExactly("fd00:0:0:0:0:0:0:5");
    }

    @Test
    void aOneWayTcpFlowNeverCausesABan() throws Exception {
        BanPolicy.Plan plan = policy("").plan(decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.INITIATOR, false));
        assertThat(plan.addresses()).isEmpty();
        assertThat(plan.skipped()).contains("handshake");
    }

    @Test
    void oneWayUdpNeedsMinEvidenceDetectionsOfTheSameAddress() throws Exception {
        BanPolicy p = policy("");
        Decision spoofed = decision(PacketView.UDP, "192.0.2.7", "10.1.1.1", Direction.INITIATOR, false);
        assertThat(p.plan(spoofed).addresses()).isEmpty();
        assertThat(p.plan(decision(PacketView.UDP, "192.0.2.8", "10.1.1.1", Direction.INITIATOR, false)).addresses())
                .isEmpty();
        assertThat(p.plan(spoofed).addresses()).isEmpty();
        assertThat(banned(p.plan(spoofed))).containsExactly("192.0.2.7");
    }

    @Test
    void allowlistAndMonitorOnlyBanNobody() throws Exception {
        Decision d = decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.INITIATOR, true);
        assertThat(policy("btblocker.allowlist = [\"10.1.0.0/16\"]").plan(d).skipped()).isEqualTo("allowlist");
        assertThat(policy("btblocker.monitorOnly = true").plan(d).skipped()).isEqualTo("monitorOnly");
    }

    @Test
    void banDurationIsSecondsOrADuration() {
        assertThat(BanDurations.parse(btblocker(""), "banDuration")).isEqualTo(Duration.ofSeconds(18000));
        assertThat(BanDurations.parse(btblocker("btblocker.banDuration = 600"), "banDuration"))
                .isEqualTo(Duration.ofSeconds(600));
        assertThat(BanDurations.parse(btblocker("btblocker.banDuration = 5h"), "banDuration"))
                .isEqualTo(Duration.ofHours(5));
        assertThatThrownBy(() -> BanDurations.parse(btblocker("btblocker.banDuration = soon"), "banDuration"))
                .hasMessageContaining("btblocker.banDuration").hasMessageContaining("\"soon\"");
        assertThatThrownBy(() -> BanDurations.parse(btblocker("btblocker.banDuration = \"0\""), "banDuration"))
                .hasMessageContaining("btblocker.banDuration");
    }

    @Test
    void badTargetNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> policy("btblocker.ban.target = everyone"))
                .hasMessageContaining("btblocker.ban.target").hasMessageContaining("source, remote, local, both, none");
    }

    @Test
    void theWorkerBansThroughTheSinkWithTheConfiguredDuration() throws Exception {
        List<BanRequest> requests = new ArrayList<>();
        BanSink sink = new BanSink() {
            @Override public void ban(BanRequest request) { requests.add(request); }
            @Override public void unban(InetAddress address) { }
            @Override public boolean isBanned(InetAddress address) { return false; }
            @Override public void close() { }
        };
        BanWorker worker = new BanWorker(BanSettings.from(btblocker("")), java.util.List.of(sink), 16);
        worker.handle(decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.INITIATOR, true));
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.address().getHostAddress()).isEqualTo("10.1.1.1");
            assertThat(r.duration()).isEqualTo(Duration.ofSeconds(18000));
            assertThat(r.detector()).isEqualTo("handshake");
        });
        assertThat(worker.bans()).isEqualTo(1);
    }
}
