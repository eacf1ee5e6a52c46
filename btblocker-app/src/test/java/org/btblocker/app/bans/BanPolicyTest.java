package org.btblocker.app.bans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.btblocker.api.Direction;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;
import org.btblocker.api.ban.BanDurations;
import org.btblocker.engine.Decision;
import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

class BanPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static Config btblocker(String overrides) {
        return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseString("""
                btblocker {
                  banDuration = "18000"
                  monitorOnly = false
                  allowlist = []
                  ban { target = source, minEvidence = 3, localNetworks = ["10.0.0.0/8", "fd00::/8"],
                        evidenceWindow = 10m, reconcileInterval = 60s }
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
        assertThat(banned(p.plan(decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.INITIATOR, true), NOW)))
                .containsExactly("10.1.1.1");
        assertThat(banned(p.plan(decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.RESPONDER, true), NOW)))
                .containsExactly("8.8.4.4");
    }

    @Test
    void remoteLocalAndBothUseLocalNetworks() throws Exception {
        Decision d = decision(PacketView.UDP, "10.1.1.1", "203.0.113.9", Direction.INITIATOR, true);
        assertThat(banned(policy("btblocker.ban.target = remote").plan(d, NOW))).containsExactly("203.0.113.9");
        assertThat(banned(policy("btblocker.ban.target = local").plan(d, NOW))).containsExactly("10.1.1.1");
        assertThat(banned(policy("btblocker.ban.target = both").plan(d, NOW))).containsExactly("10.1.1.1", "203.0.113.9");
        assertThat(policy("btblocker.ban.target = none").plan(d, NOW).addresses()).isEmpty();
        Decision v6 = decision(PacketView.UDP, "fd00::5", "2001:db8::9", Direction.RESPONDER, true);
        assertThat(banned(policy("btblocker.ban.target = local").plan(v6, NOW))).containsExactly("fd00:0:0:0:0:0:0:5");
    }

    @Test
    void aOneWayTcpFlowNeverCausesABan() throws Exception {
        BanPolicy.Plan plan = policy("").plan(decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.INITIATOR, false), NOW);
        assertThat(plan.addresses()).isEmpty();
        assertThat(plan.skipped()).contains("handshake");
    }

    @Test
    void oneWayUdpNeedsMinEvidenceDetectionsWithDifferentCounterparts() throws Exception {
        BanPolicy p = policy("");
        assertThat(p.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.1", Direction.INITIATOR, false), NOW)
                .addresses()).isEmpty();
        assertThat(p.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.2", Direction.INITIATOR, false), NOW)
                .addresses()).isEmpty();
        assertThat(banned(p.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.3", Direction.INITIATOR, false),
                NOW))).containsExactly("192.0.2.7");
    }

    @Test
    void oneCounterpartCountsOnceHoweverManyFlowsItMakes() throws Exception {
        BanPolicy p = policy("");
        Decision same = decision(PacketView.UDP, "192.0.2.7", "10.1.1.1", Direction.INITIATOR, false);
        for (int n = 0; n < 50; n++) {
            assertThat(p.plan(same, NOW.plusSeconds(n)).addresses()).isEmpty();
        }
    }

    @Test
    void oneWayEvidenceExpiresAfterTheWindow() throws Exception {
        BanPolicy p = policy("");
        p.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.1", Direction.INITIATOR, false), NOW);
        p.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.2", Direction.INITIATOR, false), NOW);
        // eleven minutes later the first two no longer count
        Instant later = NOW.plus(Duration.ofMinutes(11));
        assertThat(p.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.3", Direction.INITIATOR, false), later)
                .skipped()).contains("evidence 1/3");
        // the policy survives a reload with its evidence
        BanPolicy reloaded = p.withSettings(BanSettings.from(btblocker("")));
        reloaded.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.4", Direction.INITIATOR, false), later);
        assertThat(banned(reloaded.plan(decision(PacketView.UDP, "192.0.2.7", "10.1.1.5", Direction.INITIATOR,
                false), later))).containsExactly("192.0.2.7");
    }

    @Test
    void allowlistAndMonitorOnlyBanNobody() throws Exception {
        Decision d = decision(PacketView.TCP, "10.1.1.1", "8.8.4.4", Direction.INITIATOR, true);
        assertThat(policy("btblocker.allowlist = [\"10.1.0.0/16\"]").plan(d, NOW).skipped()).isEqualTo("allowlist");
        assertThat(policy("btblocker.monitorOnly = true").plan(d, NOW).skipped()).isEqualTo("monitorOnly");
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
}
