/**
 * The {@code handshake} detector: BitTorrent peer wire over TCP.
 *
 * <p><b>Specs.</b> BEP 3 (The BitTorrent Protocol Specification, https://www.bittorrent.org/beps/bep_0003.html):
 * handshake and messages; BEP 6 (Fast Extension): suggest, have all, have none, reject, allowed fast; BEP 10
 * (Extension Protocol): message 20 and the extension handshake; BEP 9 (ut_metadata); BEP 11 (ut_pex); BEP 20
 * (peer id conventions, informational).
 *
 * <p><b>What is matched</b> (each direction of the flow on its own, so either side may speak first):
 * <ul>
 *   <li>"BEP 3 handshake": the direction's stream starts with the byte 19 and {@code "BitTorrent protocol"}, the
 *       fixed 20-byte prefix of the 68-byte handshake (prefix, 8 reserved bytes, info_hash, peer_id). The prefix may
 *       be split across any number of segments; the slot keeps the count matched so far and the first differing
 *       byte ends this stage for the direction. 20 fixed bytes at the start of a stream are strong evidence.</li>
 *   <li>"BEP 3 handshake after stream start": the same 20 bytes at the start of a later segment, as when MSE/PE
 *       negotiated plaintext after its key exchange (seen in {@code bittorrent_tcp_miss.pcapng}).</li>
 *   <li>A complete BEP 10 extended message in a segment read as peer-wire messages: an extension handshake
 *       (extended id 0, exactly one bencoded dictionary holding an {@code m} dictionary), a ut_metadata message
 *       ({@code msg_type} 0..2 and {@code piece}), or a ut_pex message ({@code added}/{@code dropped} compact peers,
 *       {@code added.f} one byte per added peer). The dictionary is parsed with the shared strict bencode parser.
 *       ut_pex {@code added} peers go to the endpoint memory when the flow has traffic both ways.</li>
 *   <li>"BEP 3 peer-wire messages": for a flow whose handshake was missed, a run of at least {@code minFrames}
 *       (default 3) consecutive complete messages in one direction, each with a known id and the length that id
 *       requires (see {@link org.btblocker.detectors.handshake.PeerWireFrames}; request/cancel/reject also need a
 *       block length of 1..2^17), at least one of a fixed-length kind (so runs of only bitfield/piece/extended
 *       messages, whose lengths are free, are not enough). The run follows message boundaries across segments
 *       (a message that continues in the next segment is skipped there); a segment that does not parse restarts
 *       the run at its own start. Keep-alives (length 0) are valid but never count. BEP 52 (v2) hash request,
 *       hashes and hash reject messages (ids 21-23) are read too.</li>
 *   <li>"BEP 3 piece or request of a 16 KiB block inside a segment": for a flow joined in the middle, a segment that
 *       does not start at a message boundary is searched (its first 16,410 bytes, one piece message and a header) for
 *       the header of a piece message carrying a 16 KiB block (length 16,393, id 7) or a request for one (length 13,
 *       id 6, block length 16,384), with a begin offset that is a multiple of 16 KiB and a piece index below 2^24:
 *       54 fixed bits or more, so random or compressed bytes match with probability below 10^-12 per segment. An
 *       uploader's stream holds such a header every 16,397 bytes, so the first large segment the gateway sees of a
 *       download it joined carries one. MSE-encrypted streams show no headers; the {@code rhythm} detector reads
 *       their lengths.</li>
 * </ul>
 *
 * <p><b>Giving up.</b> After {@code btblocker.handshake.maxPayloadPackets} payload packets (both directions)
 * without evidence the detector answers NOT_MINE.
 *
 * <p><b>Not matched.</b> MSE/PE encrypted streams (they look random; the entropy detector and the endpoint memory
 * handle them), BitTorrent over TLS, and handshakes that do not start a segment after the stream start.
 *
 * <p><b>Known false positives.</b> None in the development corpus. The message rule could in principle fire on
 * another protocol with a 4-byte big-endian length, a type byte 0..20 and exactly those lengths; three such
 * messages in a row, one of fixed length, in one direction is unlikely outside BitTorrent.
 *
 * <p>Peer ids: most clients use BEP 20's Azureus style {@code -XXvvvv-} (for example {@code -UT3450-},
 * {@code -TR2940-}, {@code -qB4250-}, {@code -lt0D60-}). When the whole 68-byte handshake is in the matching
 * segment and its peer id has that form, the reason says so ("BEP 3 handshake, BEP 20 client peer_id"); the peer
 * id is informational only and never part of the evidence.
 */
package org.btblocker.detectors.handshake;
