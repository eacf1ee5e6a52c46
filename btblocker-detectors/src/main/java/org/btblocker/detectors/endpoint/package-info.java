/**
 * The {@code endpoint} detector: a flow to or from an endpoint ({@code ip:port}) that was proven to speak BitTorrent
 * earlier is BitTorrent too, even when it is encrypted or has no payload yet (a bare SYN).
 *
 * <p>Not a wire format but flow history, like nDPI's BitTorrent cache. The engine remembers the endpoints of flows
 * that another detector matched on their own bytes (BEP 3 handshake, BEP 5 DHT, BEP 29 uTP, BEP 15 tracker, ...)
 * once those flows were two-way, and detectors add the peers that the protocol itself lists: nodes and values in
 * DHT replies (BEP 5), peers in tracker replies (BEP 3/15/23), PEX {@code added} (BEP 11).
 *
 * <p>Checked on a flow's first packet only: the responder's endpoint (its listening port) for TCP, both endpoints
 * for UDP (DHT and uTP send from their listening port). Matches are by association, so they never add endpoints
 * themselves: one wrong inference cannot spread.
 *
 * <p>Known false positives: a host that stops running BitTorrent keeps being matched until its entry expires
 * ({@code btblocker.endpointMemory.ttl}); a NAT gateway that reuses a remembered public port for another user.
 */
package org.btblocker.detectors.endpoint;
