/**
 * The dht detector: the BitTorrent DHT's KRPC messages over UDP.
 *
 * <p>Spec: BEP 5, <a href="https://www.bittorrent.org/beps/bep_0005.html">DHT Protocol</a> ("KRPC Protocol":
 * queries ping, find_node, get_peers, announce_peer, their responses, errors); BEP 32 (IPv6: {@code nodes6},
 * 18-byte peers); BEP 42 (top-level {@code ip}); BEP 44 (get, put); BEP 51 (sample_infohashes).
 *
 * <p>Matched: a UDP datagram that is exactly one bencoded dictionary (strict BEP 3 bencode, see
 * {@link org.btblocker.detectors.bencode.Bencode}) with a byte-string transaction id {@code t} and {@code y} one of
 * {@code q}, {@code r}, {@code e}: a query with a known method name, an {@code a} dictionary with a 20-byte
 * {@code id} and the arguments that method requires (20-byte target or info_hash, port and token, BEP 44 key and
 * signature lengths); a response whose {@code r} dictionary has a 20-byte {@code id} and, when present, {@code nodes}
 * in 26-byte records, {@code nodes6} in 38-byte records, {@code values} of 6- or 18-byte peers, {@code samples} in
 * 20-byte records; an error whose {@code e} is exactly [code 200..399, message]. Keys need not be sorted. No substring
 * search: every field is found by walking the dictionary.
 *
 * <p>Evidence needed: one such datagram, in either direction. A first datagram that is not bencode ends the
 * detector's interest in the flow; bencode that is not KRPC, or a query with a method no BEP defines, is looked at
 * for at most {@code btblocker.dht.maxDatagrams} datagrams. A matching response in a flow with traffic both ways
 * records the nodes and peers it lists as BitTorrent endpoints (usually the query matches first, so this happens
 * when the query was not recognised).
 *
 * <p>Known false positives: none expected; another application would have to speak KRPC (some non-BitTorrent
 * Kademlia-style tools reuse the mainline DHT, and they are then blocked too). The examples in BEP 5's text use
 * the placeholder {@code "def456..."} (9 bytes) as node list; such messages are refused as not well-formed.
 */
package org.btblocker.detectors.dht;
