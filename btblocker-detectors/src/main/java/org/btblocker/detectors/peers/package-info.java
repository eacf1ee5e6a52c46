/**
 * Shared by the detectors that learn endpoints from what BitTorrent messages list: the compact peer and node
 * formats of BEP 5, 7, 11, 15, 23 and 32, decoded in one place ({@link org.btblocker.detectors.peers.CompactPeers}).
 */
package org.btblocker.detectors.peers;
