/**
 * The btblocker SPI: what a detector plugin compiles against.
 *
 * <pre>
 *  packet bytes ──► PacketView (parsed in place) ──► engine: flow table ──► Detector.inspect(packet, flow)
 *                                                                            │  MATCH / UNDECIDED / NOT_MINE
 *                                                              verdict ◄──────┘
 *                                                              BLOCK ──► ban policy ──► BanSink.ban(...)
 * </pre>
 *
 * <p>A detector is made of a {@link org.btblocker.api.DetectorProvider} (name, interest, factory from config),
 * listed in {@code META-INF/services}, and a shared stateless {@link org.btblocker.api.Detector} that keeps its
 * per-flow state in {@link org.btblocker.api.FlowContext} slots. Ban sinks follow the same pattern in
 * {@link org.btblocker.api.ban}.
 */
package org.btblocker.api;
