/**
 * The {@code endpoint} detector: a flow to or from an endpoint ({@code ip:port}) known to speak BitTorrent is
 * suspect, and blocked unless its own bytes say otherwise; also when it is encrypted or never carries a payload (a
 * SYN answered by RST).
 *
 * <p>Not a wire format but flow history, like nDPI's BitTorrent cache, with a standing for each endpoint
 * ({@link org.btblocker.api.EndpointKnowledge.Standing}). The engine <em>proves</em> the endpoints of flows that
 * another detector matched on their own bytes (BEP 3 handshake, BEP 5 DHT, BEP 29 uTP, BEP 15 tracker, a complete
 * MSE exchange) once those flows were two-way. Detectors <em>claim</em> the peers the protocol itself lists: nodes
 * and values in DHT replies (BEP 5, BEP 32), peers in tracker replies (BEP 3/15/23/7), PEX {@code added} (BEP 11).
 * A claim names its source network; an endpoint claimed by one source is only a lead, and blocks nothing with the
 * default {@code minStanding = corroborated}: a host that lists a web server as a "peer" cannot blackhole it.
 *
 * <p>Evidence needed: the endpoint's standing, then a first payload that is not a known protocol's opening
 * ({@link org.btblocker.detectors.openings.KnownOpenings}), or a TCP connection that ends before any payload. A flow
 * to a known endpoint that opens with HTTP, TLS, SSH, QUIC or DNS is never blocked by this detector. Matches are by
 * association: they never prove endpoints themselves, so one wrong inference cannot spread.
 *
 * <p>Known false positives: a host that stops running BitTorrent and runs a protocol without a recognisable
 * opening on the same port keeps being matched until its entry expires ({@code btblocker.endpointMemory.ttl}); a
 * NAT gateway that reuses a remembered public port for another user's random-looking protocol.
 */
package org.btblocker.detectors.endpoint;
