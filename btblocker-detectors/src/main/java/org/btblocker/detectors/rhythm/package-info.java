/**
 * The {@code rhythm} detector: BitTorrent peer-wire connections over TCP that the gateway joins in the middle, plain
 * or MSE/PE-encrypted, recognised by their message lengths (BEP 3: a request is 17 bytes, a piece message with a
 * 16 KiB block 16,397; MSE's RC4 keeps every length).
 *
 * <p><b>Why.</b> The daemon starts while torrents are running, or a flood made a connection's first packets bypass a
 * full queue: the handshake and the MSE key exchange were never seen. Plain peer wire is read from any offset by the
 * {@code handshake} detector (it finds piece headers inside a segment); an encrypted stream shows only lengths.
 *
 * <p><b>What is matched</b> ({@link org.btblocker.detectors.lengths.StreamRhythm}): in one direction, {@code minHits}
 * (default 3) packets that end a whole number of piece messages after one of the last four packet ends of that
 * direction, or after an end that was hit before (a client writes whole messages, so a packet that ends a write ends
 * a message; an uploader behind a rate limiter ends the first packet of each burst on one), and in the other
 * direction a complete flight (one begun after the first packet seen) that can only be control messages (5, 9, 10,
 * 13, 14, 17 or 18 bytes) or whole requests (17a + 9b bytes, b at most 2). The match is by association: the
 * endpoints are not remembered, so a wrong inference cannot spread.
 *
 * <p><b>Excluded.</b> Any flow whose first packet the detector sees is a SYN (it was seen from the start). Fixed-size
 * records of other protocols never line up with 16,397 bytes: TLS (16,406/16,413), AEAD shadowsocks (16,417), VMess,
 * SSH, HTTP/2; packet ends at arbitrary offsets line up with probability 4 in 16,397 per packet, three times within
 * the budget about once in 10^7 flows, and the other direction must also send requests or control messages, which
 * no fully encrypted proxy can send (its records carry at least 21 bytes).
 *
 * <p><b>Bounded.</b> At most {@code maxPackets} (default 256) payload packets of a flow are inspected; then the
 * detector is done with the flow (NOT_MINE), and the engine counts the flow among its allowed ones ("no detector
 * left") once no detector remains. The engine's own cap ({@code btblocker.maxPacketsPerFlow}) may end the inspection
 * earlier.
 *
 * <p><b>Known misses.</b> An uploader whose packets never end at a message boundary (a send queue that never runs dry
 * and full-sized segments throughout), block sizes other than 16 KiB, and connections that carry no pieces while
 * the gateway watches them (idle, or only have/keep-alive messages).
 */
package org.btblocker.detectors.rhythm;
