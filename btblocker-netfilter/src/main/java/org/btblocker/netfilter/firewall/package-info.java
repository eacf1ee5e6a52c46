/**
 * btblocker's own iptables/ip6tables chains (and the ipset / nftables ban sets they match): {@link
 * org.btblocker.netfilter.firewall.FirewallSettings} → {@link org.btblocker.netfilter.firewall.FirewallPlan} (pure:
 * the exact commands, and a printable form) → {@link org.btblocker.netfilter.firewall.FirewallManager} (runs them
 * idempotently, rolls back on failure, removes only our own rules). The rule layout and why it is hooked where it is
 * are described on {@link org.btblocker.netfilter.firewall.FirewallPlan}.
 *
 * <p>Shelling out to {@code iptables}, {@code ip6tables}, {@code ipset} and {@code nft} is deliberate here: it runs at
 * start and stop only, never on the packet path, and uses whichever backend (legacy or nft) the host has.
 */
package org.btblocker.netfilter.firewall;
