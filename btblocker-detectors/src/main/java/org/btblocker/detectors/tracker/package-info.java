/**
 * The {@code tracker} detector: talking to BitTorrent trackers, and BitTorrent clients' HTTP requests.
 *
 * <p><b>Specs.</b> BEP 15 (UDP Tracker Protocol, https://www.bittorrent.org/beps/bep_0015.html) and BEP 41 (its
 * announce options); BEP 3 (HTTP tracker announce and response), BEP 23 (compact peer lists), BEP 7 (IPv6 peers,
 * {@code peers6}), BEP 48 (scrape); BEP 19 (web seeds); BEP 20 (peer id conventions, informational).
 *
 * <p><b>UDP, what is matched.</b>
 * <ul>
 *   <li>"BEP 15 UDP tracker connect": a 16-byte datagram with the 64-bit protocol id {@code 0x41727101980},
 *       action 0 and a transaction id. <em>Evidence bar</em>: this alone is a match by default, since 96 fixed
 *       bits in an exact-length datagram do not occur by chance and no other protocol uses that constant; a connect
 *       that nobody answers (a dead tracker) is still a BitTorrent client at work. With
 *       {@code requireConnectResponse = true} the response must follow: action 0, the same transaction id, from
 *       the other side ("connect exchange").</li>
 *   <li>Announce (action 1: 98 bytes with event 0..3 and well-formed BEP 41 options) and scrape (action 2: 16 + 20n
 *       bytes) requests are not enough alone; their response (same transaction id and action, right length: 20 +
 *       6n or, over IPv6, 20 + 18n for announce, 8 + 12n for scrape) or an error (action 3) must follow. The
 *       announce response's compact peers go to the endpoint memory when the flow has traffic both ways.</li>
 *   <li>Connection-id continuity: a connect response seen without its request is remembered, and an announce or
 *       scrape that uses its 64-bit connection id is a match.</li>
 * </ul>
 *
 * <p><b>TCP, what is matched</b> (only the first request of a flow is read, and only the first segment of it):
 * <ul>
 *   <li>An HTTP announce: {@code GET /<any path>?<query> HTTP/1.x} whose query has exactly one {@code info_hash}
 *       that URL-decodes to exactly 20 bytes, a 20-byte {@code peer_id} and a decimal {@code port}. The reason
 *       says when the peer id is in BEP 20 Azureus style ({@code -UT}, {@code -TR}, {@code -qB}, {@code -lt},
 *       {@code -DE}, ...), informational only. A scrape: last path segment {@code scrape...} with 20-byte
 *       {@code info_hash}es.</li>
 *   <li>A BitTorrent client's {@code User-Agent} ({@code btblocker.tracker.userAgents}, exact token prefix) in the
 *       first request; with a {@code Range} header the reason names it a BEP 19 web seed request. Only known
 *       client tokens are listed; browsers and download tools that also fetch web seeds are not.</li>
 *   <li>When the request was HTTP but none of the above: the responder's first segment, when it is a complete
 *       {@code HTTP/1.x 200} whose body is one bencoded dictionary with {@code failure reason}, or
 *       {@code interval} and {@code peers} (compact string of 6n bytes or a list) or {@code peers6}, or
 *       {@code files}. Compact peers go to the endpoint memory (both directions seen). Chunked and compressed
 *       bodies are not read.</li>
 * </ul>
 *
 * <p><b>Known false positives.</b> The corpus' {@code extra-tracker.pcap} holds a real announce to Ubuntu's tracker
 * that the labels call "other" (a known label caveat). Any HTTP client that sends a listed User-Agent is matched
 * (e.g. a client's own update check): that is the client at work. Not matched: HTTPS trackers (TLS) and
 * announces whose request line does not fit in the first segment.
 *
 * <p><b>Harvesting peers</b> ({@code harvestPeers = true}, the default). A flow matches on its proving request (a UDP
 * connect, a connect exchange, a reused connection id, an HTTP announce), so the request is the first packet
 * dropped. The engine keeps showing a matched flow to the detector that matched it (up to
 * {@code maxPacketsPerFlow}), so the detector follows the exchange to the announce response, which reaches the
 * gateway even though the client never gets it, and its compact peers (IPv4, or IPv6 over an IPv6 flow) go to the
 * endpoint memory: the client's later connections to those peers, SYN-only or encrypted, are then blocked too.
 * {@code harvestPeers = false} matches the same way but learns no peers.
 */
package org.btblocker.detectors.tracker;
