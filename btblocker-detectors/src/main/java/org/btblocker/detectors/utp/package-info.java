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
 * side acknowledging near the other's sequence number ({@code minHeadersMidStream} headers in all), or, when only
 * one direction is visible, {@code minHeadersOneWay} advancing headers with one connection id. See
 * {@link org.btblocker.detectors.utp.UtpDetector}. Measured on the development corpus: every uTP flow with a SYN
 * and an answer matches, 0 of 6,236 non-BitTorrent flows (STUN, CAPWAP, Zoom, Skype, Roblox and WhatsApp datagrams
 * also pass the header check, but never the flow rules).
 *
 * <p><b>Known false positives and misses.</b> A protocol whose datagrams start with {@code 0x01/0x11/0x21/0x31/0x41},
 * carry a 16-bit id that differs by one between the directions and 16-bit counters at bytes 16-19 that track
 * each other would match; none is known. The one-way rule rests on one side's packets alone, so a forged stream
 * could trigger it; set {@code minHeadersOneWay = 0} where spoofing matters more than asymmetric routing. Missed
 * on purpose: SYNs that are never answered (dead peers), since a spoofed SYN must not get anyone banned.
 */
package org.btblocker.detectors.utp;
