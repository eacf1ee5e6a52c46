/**
 * Openings of well-known protocols (TLS, SSH, HTTP, QUIC, WireGuard, DNS over TCP, ...): shared evidence against
 * BitTorrent for the detectors that judge a flow by what it is not.
 */
package org.btblocker.detectors.openings;
