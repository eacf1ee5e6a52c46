package org.btblocker.api;

/** Which side of a flow sent a packet: the endpoint that sent the flow's first packet is the initiator. */
public enum Direction {
    /** Sent by the endpoint that opened the flow (the client for TCP). */
    INITIATOR,
    /** Sent by the other endpoint. */
    RESPONDER
}
