/**
 * NFQUEUE (linux/netfilter/nfnetlink_queue.h) over the netlink core: {@link
 * org.btblocker.netfilter.nfqueue.QueueService} binds a queue and runs its receive loop, asking a {@link
 * org.btblocker.netfilter.nfqueue.PacketHandler} for each packet's verdict; {@code NfqueueCodec} writes the
 * configuration and verdict messages and parses queued packets in place; {@code VerdictBatch} turns runs of equal
 * verdicts into NFQNL_MSG_VERDICT_BATCH messages.
 */
package org.btblocker.netfilter.nfqueue;
