/**
 * Reading packet captures for the offline {@code scan} command: {@link org.btblocker.app.capture.CaptureReader}
 * walks a pcap or pcapng file and hands out each packet's IP header in place, for a
 * {@link org.btblocker.api.packet.PacketView} to parse. Formats follow the pcap and pcapng specifications
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng) and the tcpdump.org LINKTYPE_ registry.
 */
package org.btblocker.app.capture;
