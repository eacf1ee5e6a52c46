/**
 * End-to-end tests of {@code btblocker run} on the real kernel (failsafe, {@code *IT}; they skip without root,
 * {@code ip netns}, iptables, ipset or /usr/bin/python3).
 *
 * <p>Each class builds a {@link org.btblocker.app.e2e.GatewayLab}: client, gateway and server namespaces joined by
 * veth pairs (IPv4 and IPv6), starts the daemon as a child JVM inside the gateway ({@code ip netns exec GW java -cp
 * <test class path> org.btblocker.app.Main run --config FILE}), waits for its "btblocker running" log line, and
 * makes traffic with {@code src/test/resources/e2e/traffic.py} inside the client and server namespaces. Payloads
 * come from the BEP texts ({@link org.btblocker.app.e2e.Wire}).
 *
 * <ul>
 *   <li>{@code HandshakeBlockIT}: BEP 3 handshake dropped before the server reads a byte, client banned for
 *   banDuration (IPv4 and IPv6 sets), next SYN dropped; monitorOnly; two balanced queues; nftables sink.</li>
 *   <li>{@code HandshakeVariantsIT}: handshake split over two segments; allowlisted client.</li>
 *   <li>{@code UdpDetectionIT}: DHT queries banned only at ban.minEvidence; uTP SYN/STATE banned at once; a spoofed
 *   DHT packet logged but its forged source not banned.</li>
 *   <li>{@code TransferIT}: 8 MB HTTP-like and TLS-like downloads byte-exact, unbanned, under 5 % of their packets
 *   queued; SIGKILL mid-transfer: the transfer and new connections go on ({@code --queue-bypass}). The dead daemon's
 *   rules are then removed by starting a daemon again (it takes the rules over) and stopping it with SIGTERM.</li>
 *   <li>{@code FirewallLifecycleIT}: SIGTERM restores iptables-save, ip6tables-save and nft list ruleset exactly
 *   (from a pristine gateway and around an operator's rules), ban sets kept; a missing interface and an already
 *   bound queue fail in one line, exit 1, and leave no rule (and the running daemon's rules untouched).</li>
 *   <li>Issue 8, abuse resistance (each Javadoc says what the attack did on e1b8c66): {@code ForgedTwoWayFlowIT}
 *   (both directions forged from one side, UDP and TCP, IPv4 and IPv6: nobody banned), {@code EndpointClaimIT} (one
 *   KRPC response does not blackhole plain HTTP; one source network's claims are bounded),
 *   {@code SegmentationEvasionIT} (a handshake in 1- and 2-byte segments), {@code UdpFloodIT} (no BitTorrent piece
 *   during a UDP flood that overflows the queue), {@code FirewallTamperingIT} ({@code nft flush ruleset},
 *   {@code iptables -F}, kill -9 then a clean stop), {@code BadConfigurationIT} (refused before anything is
 *   created). Forged frames come from {@code traffic.py forge} (AF_PACKET), the flood from {@code udpflood.c}.</li>
 * </ul>
 */
package org.btblocker.app.e2e;
