/**
 * Detector {@code utp}: the uTorrent transport protocol, BEP 29 (https://www.bittorrent.org/beps/bep_0029.html),
 * BitTorrent's congestion-friendly transport over UDP.
 *
 * <p><b>What is matched.</b> {@link org.btblocker.detectors.utp.UtpHeader} validates the 20-byte version-1 header
 * (version 1 in the low nibble of byte 0, type ST_DATA..ST_SYN in the high nibble) and its extension chain (at
 * most four extensions, types 1 selective ack, 2 extension bits, 3 close reason, lengths inside the datagram;
 * no payload on ST_STATE and ST_SYN).
 *
 * <p><b>Evidence needed.</b> Flow-level, never one datagram: either an ST_SYN answered from the other side by an
 * ST_STATE with the SYN's connection_id and ack_nr equal to the SYN's seq_nr, or, for a flow joined after its
 * SYN, headers from both sides whose connection ids differ by one, with seq_nr/ack_nr moving forward and each
 * side acknowledging near the other's sequence number ({@code minHeadersMidStream} headers in all). See
 * {@link org.btblocker.detectors.utp.UtpDetector}.
 *
 * <p><b>Known false positives and misses.</b> A protocol whose datagrams start with {@code 0x01/0x11/0x21/0x31/0x41},
 * carry a 16-bit id that differs by one between the directions and 16-bit counters at bytes 16-19 that track
 * each other would match; none is known. Missed: SYNs that are never answered (dead peers) and one-way captures.
 */
package org.btblocker.detectors.utp;
