package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NftTableListingTest {

    /** What iptables-nft leaves after its last rule of a table is deleted. */
    static final String EMPTY_FORWARD = """
            table ip mangle {
            \tchain FORWARD {
            \t\ttype filter hook forward priority mangle; policy accept;
            \t}
            }
            """;

    @Test
    void emptyBuiltInChainIsEmptyAccept() {
        Map<String, NftTableListing.Chain> chains = NftTableListing.parse(EMPTY_FORWARD);
        assertThat(chains).containsOnlyKeys("FORWARD");
        assertThat(chains.get("FORWARD").emptyAccept()).isTrue();
        assertThat(NftTableListing.onlyEmptyAcceptChains(EMPTY_FORWARD, chains)).isTrue();
    }

    @Test
    void rulesDropPolicyUserChainsAndSetsAreNotEmpty() {
        String listing = """
                table ip filter {
                \tset blocked {
                \t\ttype ipv4_addr
                \t}
                \tchain INPUT {
                \t\ttype filter hook input priority filter; policy drop;
                \t}
                \tchain FORWARD {
                \t\ttype filter hook forward priority filter; policy accept;
                \t\tct state established,related counter packets 0 bytes 0 accept
                \t}
                \tchain OPERATOR {
                \t}
                }
                """;
        Map<String, NftTableListing.Chain> chains = NftTableListing.parse(listing);
        assertThat(chains).containsOnlyKeys("INPUT", "FORWARD", "OPERATOR");
        assertThat(chains.get("INPUT").emptyAccept()).as("policy drop").isFalse();
        assertThat(chains.get("FORWARD").rules()).isEqualTo(1);
        assertThat(chains.get("OPERATOR").emptyAccept()).as("an empty user chain does nothing").isTrue();
        assertThat(NftTableListing.onlyEmptyAcceptChains(listing, chains)).isFalse();
        String withSetOnly = "table ip filter {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n" + EMPTY_FORWARD.substring(
                EMPTY_FORWARD.indexOf("\tchain"));
        assertThat(NftTableListing.onlyEmptyAcceptChains(withSetOnly, NftTableListing.parse(withSetOnly)))
                .as("a set keeps the table").isFalse();
    }

    @Test
    void anyTextParsesWithoutThrowing() {
        qt().forAll(lists().of(strings().betweenCodePoints(9, 126).ofLengthBetween(0, 40)).ofSizeBetween(0, 20))
                .checkAssert(lines -> {
                    String text = String.join("\n", lines);
                    Map<String, NftTableListing.Chain> chains = NftTableListing.parse(text);
                    assertThat(chains.values()).allMatch(c -> c.rules() >= 0);
                    NftTableListing.onlyEmptyAcceptChains(text, chains);
                });
    }
}
