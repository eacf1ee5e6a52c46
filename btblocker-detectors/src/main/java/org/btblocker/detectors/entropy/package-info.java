/**
 * Detector {@code entropy}: BitTorrent Message Stream Encryption (MSE, also "protocol encryption", PE), the
 * obfuscation layer that Azureus/Vuze and uTorrent introduced and libtorrent, Transmission, aria2 and rtorrent
 * implement (https://wiki.vuze.com/w/Message_Stream_Encryption). Plain BitTorrent is BEP 3; over UDP it rides on uTP,
 * BEP 29.
 *
 * <p><b>Why structure, not randomness.</b> Random-looking bytes are what every fully encrypted proxy sends
 * (shadowsocks, VMess, obfs4, Telegram's obfuscated MTProto, VPNs in TCP). MSE has a shape a stream cipher does not
 * hide: a Diffie-Hellman exchange in which each side must wait for the other, then the peer wire, whose message
 * lengths RC4 keeps. A flow matches only when it shows all of it, and the match then proves its endpoints.
 *
 * <p><b>Conditions</b>, in order; a <em>flight</em> is what one side sends before the other side sends payload,
 * counted by TCP sequence number from the SYN and SYN-ACK on (segments coalesced, retransmitted bytes counted once),
 * or by uTP {@code ST_DATA} payload with each {@code seq_nr} counted once. Each condition says which protocols it
 * excludes:
 * <ol>
 *   <li>The flow is seen from its SYN and SYN-ACK, with no TCP Fast Open data, and no bytes of the four exchange
 *       flights are missing. Excludes flows joined in the middle (the {@code rhythm} detector reads those).</li>
 *   <li>The initiator speaks first: {@code Ya + PadA}, 96..608 bytes and at least {@code minPayloadSize}, and sends
 *       nothing more until the responder answers. Excludes server-first protocols (SSH, SMTP, FTP, IMAP, MySQL), and
 *       clients that send more than 608 bytes at once: TLS 1.3 with post-quantum key shares, obfs4 in nineteen of
 *       twenty handshakes (its client handshake is padded to 141..8,192 bytes), large first requests through a
 *       proxy.</li>
 *   <li>The first segment of that flight starts like no known protocol ({@link
 *       org.btblocker.detectors.openings.KnownOpenings}: TLS, DTLS, SSH, HTTP/RTSP/SIP, QUIC, WireGuard, STUN, SMB,
 *       length-prefixed or binary-header framing), reaches {@code entropyThreshold} bits per byte with the
 *       bias-corrected estimate of {@link org.btblocker.detectors.entropy.ByteHistogram} and has a balanced share of
 *       high bytes. Excludes every plaintext and TLS/SSH/QUIC/WireGuard-in-TCP opening, on any port, 443 included: a
 *       TLS ClientHello is recognised by its record header, random bytes on 443 are not TLS.</li>
 *   <li>The responder answers with {@code Yb + PadB} under the same size and randomness conditions, and sends nothing
 *       more until the initiator's next flight. Excludes servers whose first answer is larger (a web page or a file
 *       through shadowsocks or VMess, a TLS server flight with its certificate) or recognisable.</li>
 *   <li>The initiator's next flight holds the two 20-byte hashes and {@code ENCRYPT(VC, crypto_provide, len(PadC),
 *       PadC, len(IA))}: at least 56 bytes. The responder's next flight holds {@code ENCRYPT(VC, crypto_select,
 *       len(PadD), PadD)}: at least 14 bytes. Excludes one-request exchanges (a client that sends one request and
 *       reads the answer to the end, as curl through a proxy does).</li>
 *   <li>Within {@code maxFlights} (24) flights after the exchange (the flow is then kept past
 *       {@code maxPacketsPerFlow}, up to {@code maxPacketsMidStream}, with {@code FlowContext.keepInspecting}: a
 *       fast seed can send more piece segments than the cap before the leecher's requests show), peer-wire lengths
 *       worth 4 points: a flight that can
 *       only be control messages (5, 9, 10, 13, 14, 17 or 18 bytes: interested, unchoke, have, a piece header,
 *       request) 2; a flight of a whole number of 16,397-byte piece messages 2; the initiator's 68-byte handshake as
 *       the first flight after the exchange 1; a run of flights of whole requests from one side (17a + 9b bytes, b at
 *       most 2) 1 per flight of the longest run, at most 3;
 *       each packet that ends a whole number of piece messages after one of the last four packet ends of its
 *       direction 1 ({@link org.btblocker.detectors.lengths.StreamRhythm}). Excludes every fully encrypted proxy
 *       that got this far (an HTTP client keeping its connection open through shadowsocks sends four such flights):
 *       AEAD records carry at least 35 bytes (shadowsocks, VMess), obfs4 frames 21, WireGuard messages 32, MTProto
 *       packets 16-byte blocks plus a header; their flights are never control-message sized, and their fixed-size
 *       records (shadowsocks 16,417, TLS 16,406/16,413) drift against 16,397 instead of lining up.</li>
 * </ol>
 *
 * <p><b>Measured.</b> On the development corpus (5,739 other flows, {@code whitelistPorts = []}, up to 256 packets a
 * flow) nothing else passes; without the last condition one Telegram MTProto connection on port 443 did (its
 * 16-byte-block packets are often 17a + 9b long, which is why only a run of request flights counts, and at most 3). In the lab every MSE client
 * (libtorrent, Transmission, aria2, rtorrent) is proven after 20-50 packets, which is why {@code maxPacketsPerFlow}
 * is 64; shadowsocks-libev (chacha20-ietf-poly1305 and aes-256-gcm, small and large files, kept-alive connections) on
 * 8388 and 6881 and random bytes on 6881 and 51413 never match.
 *
 * <p><b>Known misses.</b> MSE connections whose clients send their key with the next flight in one write (none known),
 * connections closed before the first requests and pieces, and MSE inside TLS or a VPN. What crosses before the
 * match: the key exchange, the handshakes and, typically, the first one to four pieces (16-64 KiB of file data).
 */
package org.btblocker.detectors.entropy;
