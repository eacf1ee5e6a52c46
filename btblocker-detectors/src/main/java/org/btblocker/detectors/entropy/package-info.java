/**
 * Detector {@code entropy}: BitTorrent Message Stream Encryption (MSE, also "protocol encryption", PE), the
 * obfuscation layer that Azureus/Vuze and uTorrent introduced and libtorrent implements
 * (https://wiki.vuze.com/w/Message_Stream_Encryption). Plain BitTorrent is BEP 3; over UDP it rides on uTP, BEP 29.
 *
 * <p><b>What is matched.</b> MSE opens with a Diffie-Hellman exchange over a 768-bit prime: the initiator sends
 * {@code Ya} (96 bytes) followed by {@code PadA} (0..512 random bytes), the responder answers with {@code Yb} and
 * {@code PadB}. Both first payloads are therefore 96..608 bytes of uniformly random-looking data.
 *
 * <p><b>Evidence needed.</b> Both first payloads (TCP segments, or uTP ST_DATA payloads after the uTP header)
 * must be 96..608 bytes, at least {@code minPayloadSize}, start like no known protocol ({@link
 * org.btblocker.detectors.openings.KnownOpenings}: TLS, DTLS, SSH, HTTP/RTSP/SIP, QUIC, WireGuard, STUN, SMB,
 * length-prefixed framing) and score at least {@code threshold} bits per byte with a bias-corrected entropy
 * estimate ({@link org.btblocker.detectors.entropy.ByteHistogram}), with a balanced share of high bytes. The
 * initiator must speak first; over TCP both payloads must start at the first stream byte after the SYN / SYN-ACK
 * (ISN + 1), and the responder port must be at least {@code minResponderPort}.
 *
 * <p>Each condition earns its place (development corpus, 1,577 non-BitTorrent TCP flows with a first payload in
 * both directions): both scoring at least 7.6 leaves 168; the 96..608 size window 84; no known opening 14; the
 * handshake and ISN + 1 rule 6 (Telegram's MTProto on port 443); the port rule 0. The one real MSE exchange in
 * the corpus (bittorrent_tcp_miss.pcapng) passes every step.
 *
 * <p><b>Known false positives.</b> Fully encrypted protocols designed to look random from the first byte
 * (obfs4/Tor pluggable transports, Shadowsocks, VMess, some VPN obfuscation modes) can open the same way; their
 * first payloads often fall in the same size window. Raise {@code threshold} or drop the detector where such
 * traffic is expected. Missed: MSE connections whose first payload is split or coalesced differently.
 */
package org.btblocker.detectors.entropy;
