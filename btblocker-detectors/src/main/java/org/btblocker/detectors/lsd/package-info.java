/**
 * The lsd detector: BitTorrent Local Service Discovery.
 *
 * <p>Spec: BEP 14, <a href="https://www.bittorrent.org/beps/bep_0014.html">Local Service Discovery</a>.
 *
 * <p>Matched: one UDP datagram to {@code 239.192.152.143:6771} or {@code [ff15::efc0:988f]:6771} whose payload is
 * exactly a {@code BT-SEARCH * HTTP/1.1} request: CRLF-terminated lines, one non-empty {@code Host}, one
 * {@code Port} (1-65535), one or more {@code Infohash} headers of 40 hex digits, optional {@code cookie} and other
 * headers, a blank line, then only line breaks. Header names are case-insensitive.
 *
 * <p>Evidence needed: that single datagram; the first datagram of the flow decides. Unicast datagrams to port 6771
 * are ignored unless {@code btblocker.lsd.acceptUnicast = true}: BEP 14 defines only the multicast groups, and the
 * corpus capture {@code bt_search.pcap} (like the announce in {@code extra-small_torrent_mse.pcap}) shows only
 * multicast from source port 6771, with upper-case hex and a trailing extra CRLF.
 *
 * <p>Known false positives: none; the request line and group are specific to BitTorrent. Note that multicast is
 * usually not routed, so a gateway sees these only on its LAN-facing input path.
 */
package org.btblocker.detectors.lsd;
