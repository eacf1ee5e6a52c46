package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.btblocker.netfilter.firewall.FirewallProbe.Feature;
import org.btblocker.netfilter.firewall.Settings.SinkKind;
import org.junit.jupiter.api.Test;

class FirewallProbeTest {

    /** A host where everything is present until a test takes something away. */
    private static final class FakeHost implements FirewallProbe.Host {
        boolean netAdmin = true;
        Set<String> programs = new HashSet<>(Set.of("iptables", "ip6tables", "ipset", "nft"));
        Set<String> absentModules = new HashSet<>();
        Set<String> unknownModules = new HashSet<>();
        List<String> interfaces = List.of("eth0", "lo");

        @Override public boolean hasNetAdmin() { return netAdmin; }
        @Override public boolean hasProgram(String name) { return programs.contains(name); }
        @Override public Feature kernelFeature(String module, String option) {
            return absentModules.contains(module) ? Feature.ABSENT
                    : unknownModules.contains(module) ? Feature.UNKNOWN : Feature.PRESENT;
        }
        @Override public List<String> interfaces() { return interfaces; }
    }

    @Test
    void allPresentMeansNoErrors() {
        assertThat(FirewallProbe.probe(Settings.of(SinkKind.IPSET, false, 0, 1), new FakeHost())).isEmpty();
        assertThat(FirewallProbe.probe(Settings.of(SinkKind.NFTABLES, false, 0, 1), new FakeHost())).isEmpty();
    }

    @Test
    void eachMissingPrerequisiteIsOneLine() {
        FakeHost host = new FakeHost();
        host.netAdmin = false;
        host.programs.remove("iptables");
        host.programs.remove("ipset");
        host.absentModules.add("xt_NFQUEUE");
        host.absentModules.add("nfnetlink_queue");
        host.interfaces = List.of("enp1s0", "lo");
        List<String> errors = FirewallProbe.probe(Settings.of(SinkKind.IPSET, false, 0, 1), host);
        assertThat(errors).containsExactly(
                "not root: changing the firewall needs CAP_NET_ADMIN; run as root or grant the capability",
                "iptables not found on PATH; install iptables (the nft-based variant works)",
                "kernel module nfnetlink_queue is not loadable (CONFIG_NETFILTER_NETLINK_QUEUE); load it with "
                        + "modprobe nfnetlink_queue or use a kernel that has it",
                "kernel module xt_NFQUEUE is not loadable (CONFIG_NETFILTER_XT_TARGET_NFQUEUE); load it with "
                        + "modprobe xt_NFQUEUE or use a kernel that has it",
                "interface eth0 does not exist (existing: enp1s0, lo); fix btblocker.interfaces");
        assertThat(errors).noneMatch(e -> e.contains("\n"));
    }

    @Test
    void unknownKernelFeaturesAreNotReported() {
        FakeHost host = new FakeHost();
        host.unknownModules.addAll(List.of("nfnetlink_queue", "xt_NFQUEUE", "nf_tables"));
        assertThat(FirewallProbe.probe(Settings.of(SinkKind.NFTABLES, false, 0, 1), host)).isEmpty();
    }

    @Test
    void nftablesSinkNeedsNftNotIpset() {
        FakeHost host = new FakeHost();
        host.programs.remove("ipset");
        host.programs.remove("nft");
        host.absentModules.add("nf_tables");
        assertThat(FirewallProbe.probe(Settings.of(SinkKind.NFTABLES, false, 0, 1), host)).containsExactly(
                "nft not found on PATH (the nftables ban sink's drop chains need it); install nftables or use "
                        + "btblocker.banSinks = [ipset]",
                "kernel module nf_tables is not loadable (CONFIG_NF_TABLES); load it with modprobe nf_tables or use "
                        + "a kernel that has it");
    }

    @Test
    void thisHostAnswersWithoutThrowing() {
        var host = FirewallProbe.Host.system();
        assertThat(host.interfaces()).contains("lo");
        assertThat(host.kernelFeature("no_such_module_btb", "CONFIG_NO_SUCH_BTB")).isNotEqualTo(Feature.PRESENT);
    }
}
