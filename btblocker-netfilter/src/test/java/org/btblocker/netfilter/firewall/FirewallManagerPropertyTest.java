package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.btblocker.netfilter.firewall.Settings.SinkKind;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.core.Gen;

/** Install/remove/rollback laws over generated settings, against the scripted firewall. */
class FirewallManagerPropertyTest implements WithQuickTheories {

    private Gen<FirewallSettings> settings() {
        Gen<List<String>> ifaces = lists().of(arbitrary().pick("eth0", "eth1", "wan", "br-lan", "ppp0", "wg0"))
                .ofSizeBetween(1, 3).map(l -> l.stream().distinct().toList());
        Gen<List<Integer>> ports = lists().of(integers().between(1, 65535)).ofSizeBetween(0, 40);
        Gen<SinkKind> kinds = arbitrary().enumValues(SinkKind.class);
        return ifaces.zip(ports, kinds, booleans().all(), integers().between(1, 4), (i, p, k, local, count) ->
                new FirewallSettings(i, local, 10, count, p, List.of(k.enforcement), new Marks(0x100, 0x200, 0x300)));
    }

    private static FakeFirewall foreign() {
        return new FakeFirewall()
                .foreignRule("iptables", "mangle", "FORWARD", "-j MARK --set-xmark 0x1/0xff")
                .foreignRule("ip6tables", "filter", "FORWARD", "-m conntrack --ctstate ESTABLISHED -j ACCEPT");
    }

    @Test
    void installIsIdempotentAndRemoveRestoresEverythingButTheBanSets() {
        qt().withExamples(150).forAll(settings()).checkAssert(s -> {
            // the sinks created their sets before the rules are installed
            FakeFirewall fw = foreign().ipset("torrent_block").ipset("torrent_block6")
                    .nftTable("btblocker", "banned4", "banned6");
            String before = fw.snapshot();
            var manager = new FirewallManager(fw);
            FirewallPlan plan = FirewallPlan.of(s);
            try {
                manager.install(plan);
                String once = fw.snapshot();
                manager.install(plan);
                assertThat(fw.snapshot()).isEqualTo(once);
                manager.remove(plan);
            } catch (FirewallException e) {
                throw new AssertionError(e);
            }
            assertThat(fw.snapshot()).isEqualTo(before);
        });
    }

    @Test
    void aFailureAnywhereLeavesTheFirewallAsItWas() {
        qt().withExamples(150).forAll(settings(), integers().between(0, 10_000)).checkAssert((s, pick) -> {
            FirewallPlan plan = FirewallPlan.of(s);
            List<Step> steps = plan.installSteps();
            Command failing = steps.get(pick % steps.size()).apply();
            FakeFirewall fw = foreign().nftTable("btblocker", "banned4", "banned6");
            String before = fw.snapshot();
            fw.failWhen = failing::equals;
            assertThatThrownBy(() -> new FirewallManager(fw).install(plan)).isInstanceOf(FirewallException.class);
            assertThat(fw.snapshot()).isEqualTo(before);
        });
    }

    @Test
    void everyJumpHasAnUndoAndEveryChainIsDeletedOnRemoval() {
        qt().forAll(settings()).checkAssert(s -> {
            FirewallPlan plan = FirewallPlan.of(s);
            List<String> removal = plan.removeCommands().stream().map(Command::toString).toList();
            for (Step step : plan.installSteps()) {
                String apply = step.apply().toString();
                if (apply.matches(".* -[AI] (FORWARD|INPUT|OUTPUT) .*")) {
                    assertThat(step.undo()).hasSize(1);
                    assertThat(removal).contains(step.undo().get(0).toString());
                }
                if (apply.matches(".* -N BTBLOCKER(_SAVE)?")) {
                    assertThat(removal).contains(apply.replace(" -N ", " -X "));
                }
            }
        });
    }
}
