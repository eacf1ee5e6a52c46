/** Zero-copy packet parsing: {@link org.btblocker.api.packet.PacketView} and address helpers. */
package org.btblocker.api.packet;
