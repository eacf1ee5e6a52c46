package org.btblocker.app.cli;

import org.btblocker.app.json.Json;

/**
 * One flow decision as {@code scan} prints it.
 *
 * @param protocol  "tcp" or "udp"
 * @param initiator the endpoint that sent the flow's first packet, {@code ip:port} or {@code [v6]:port}
 * @param responder the other endpoint
 * @param blocked   true when the flow was found to be BitTorrent
 * @param detector  the detector that matched, null when allowed
 */
record FlowVerdict(String protocol, String initiator, String responder, boolean blocked, String detector) {

    /** This verdict as one line of the format the corpus scorer reads. */
    String jsonLine(String pcap) {
        StringBuilder s = new StringBuilder(160);
        s.append("{\"pcap\": ");
        Json.string(s, pcap).append(", \"proto\": ");
        Json.string(s, protocol).append(", \"src\": ");
        Json.string(s, initiator).append(", \"dst\": ");
        Json.string(s, responder).append(", \"verdict\": ");
        Json.string(s, blocked ? "block" : "allow").append(", \"detector\": ");
        return Json.string(s, blocked ? detector : null).append('}').toString();
    }
}
