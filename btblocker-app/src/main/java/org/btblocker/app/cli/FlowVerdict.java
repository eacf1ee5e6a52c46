package org.btblocker.app.cli;

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
}
