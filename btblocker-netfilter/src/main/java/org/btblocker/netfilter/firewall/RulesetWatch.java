package org.btblocker.netfilter.firewall;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.NetlinkException;
import org.btblocker.netlink.NetlinkSocket;
import org.btblocker.netlink.NetlinkTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the nf_tables rule set changed: a thread listens to the kernel's {@code NFNLGRP_NFTABLES} multicast
 * group, which reports every change made through nf_tables ({@code nft}, and {@code iptables} in its nft variant,
 * Debian's default), and counts the notifications. The daemon then checks its rules at once instead of at the next
 * {@code firewall.checkInterval}. Legacy iptables sends no notification; the periodic check covers it. Our own
 * installs are notified too, and cost one check that finds nothing missing.
 */
public final class RulesetWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RulesetWatch.class);
    private static final int WAIT_MILLIS = 500;

    private final NetlinkTransport socket;
    private final AtomicLong changes = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private RulesetWatch(NetlinkTransport socket) {
        this.socket = socket;
        this.thread = new Thread(this::run, "btblocker-ruleset-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching in the current network namespace, or returns null (with one INFO line) when the kernel offers
     * no notification: then only the periodic check runs.
     */
    public static RulesetWatch start() {
        NetlinkSocket s = null;
        try {
            s = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
            s.joinGroup(Netlink.NFNLGRP_NFTABLES);
            RulesetWatch w = new RulesetWatch(s);
            w.thread.start();
            return w;
        } catch (NetlinkException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            log.info("no nf_tables change notifications ({}); the firewall rules are checked periodically only",
                    e.getMessage());
            return null;
        }
    }

    private void run() {
        ByteBuffer rx = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (running) {
                int n = socket.receive(rx, WAIT_MILLIS);
                if (n != NetlinkTransport.TIMEOUT) {
                    changes.incrementAndGet();       // a message, or an overrun: something changed either way
                }
            }
        } catch (NetlinkException e) {
            if (running) {
                log.warn("nf_tables change notifications stopped ({}); the periodic check goes on", e.getMessage());
            }
        }
    }

    /** Notifications received so far; a change since the last look means the rules should be checked. */
    public long changes() {
        return changes.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2 * WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
