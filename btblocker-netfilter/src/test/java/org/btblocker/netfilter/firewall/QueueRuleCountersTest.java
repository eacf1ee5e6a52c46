package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueRuleCountersTest {

    @Test
    void sumsTheNfqueueRulesOfAListing() {
        String listing = """
            Chain BTBLOCKER (2 references)
                pkts      bytes target     prot opt in     out     source               destination
                   3      180 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            match-set torrent_block src
                  10     1000 RETURN     all  --  *      *       0.0.0.0/0            0.0.0.0/0            connmark match  0x1/0x3
                 120    54321 NFQUEUE    tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            NFQUEUE num 0 bypass
                  45     6789 NFQUEUE    udp  --  *      *       0.0.0.0/0            0.0.0.0/0            NFQUEUE num 0 bypass
            """;
        assertThat(FirewallManager.nfqueueRulePackets(listing)).isEqualTo(165);
        assertThat(FirewallManager.nfqueueRulePackets("")).isZero();
    }

    @Test
    void readsBothFamiliesThroughTheRunner() {
        CommandRunner runner = c -> CommandRunner.Result.ok(
            "    7   70 NFQUEUE    tcp  --  *  *  ::/0  ::/0  NFQUEUE num 0 bypass\n");
        assertThat(new FirewallManager(runner).queuedByRules()).isEqualTo(14);
        CommandRunner failing = c -> CommandRunner.Result.failed(1, "iptables: No chain/target/match by that name.");
        assertThat(new FirewallManager(failing).queuedByRules()).isEqualTo(-1);
    }
}
