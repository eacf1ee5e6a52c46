/**
 * A strict, allocation-free bencode reader (BEP 3, <a href="https://www.bittorrent.org/beps/bep_0003.html">
 * bep_0003</a>, section "bencoding") shared by the detectors that parse bencoded messages: KRPC datagrams (dht),
 * tracker responses, extension handshakes.
 *
 * <p>{@link org.btblocker.detectors.bencode.Bencode} validates and walks values in place;
 * {@link org.btblocker.detectors.bencode.Limits} bounds depth, string length and container size. Dictionary key
 * order is checked only on request: BEP 3 requires sorted keys, but real clients sometimes send them unsorted, and a
 * detector gains little from rejecting those.
 */
package org.btblocker.detectors.bencode;
