package org.btblocker.netfilter.firewall;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the output of {@code nft list table FAMILY NAME}: its chains, whether each is a built-in (hooked) chain with
 * policy accept, and how many rules it holds. Pure; for {@link FirewallManager}'s clean-up of iptables-nft tables.
 */
final class NftTableListing {

    private NftTableListing() { }

    /** One chain of the listing. */
    record Chain(boolean acceptPolicy, int rules) {
        /** A chain that does nothing: no rule, and (for a built-in chain) policy accept. */
        boolean emptyAccept() {
            return acceptPolicy && rules == 0;
        }
    }

    /** The chains by name, in listing order. Unknown lines inside a chain count as rules (never deleted then). */
    static Map<String, Chain> parse(String listing) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        String current = null;
        boolean accept = true;
        int rules = 0;
        for (String raw : listing.split("\n")) {
            String line = raw.strip();
            if (current == null) {
                if (line.startsWith("chain ") && line.endsWith("{")) {
                    current = line.substring(6, line.length() - 1).strip();
                    accept = true;
                    rules = 0;
                }
            } else if (line.equals("}")) {
                chains.put(current, new Chain(accept, rules));
                current = null;
            } else if (line.startsWith("type ") && line.contains(" hook ")) {
                accept = !line.contains("policy ") || line.contains("policy accept");
            } else if (!line.isEmpty()) {
                rules++;
            }
        }
        return chains;
    }

    /**
     * True when the table holds nothing but chains that do nothing: no rules, policy accept, and no sets, maps or
     * other objects.
     */
    static boolean onlyEmptyAcceptChains(String listing, Map<String, Chain> chains) {
        int depth = 0;
        for (String raw : listing.split("\n")) {
            String line = raw.strip();
            if (line.endsWith("{")) {
                depth++;
                if (depth == 2 && !line.startsWith("chain ")) {
                    return false;       // a set, map, flowtable, ...
                }
            } else if (line.equals("}")) {
                depth--;
            }
        }
        return chains.values().stream().allMatch(Chain::emptyAccept);
    }
}
