package org.btblocker.app.bans;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;

/** A sink that records what it is asked, can fail on demand, and (optionally) lists what it holds. */
final class RecordingSink implements BanSink {
    final LinkedBlockingQueue<List<BanRequest>> batches = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<InetAddress> unbans = new LinkedBlockingQueue<>();
    final Map<InetAddress, Duration> held = new LinkedHashMap<>();
    final boolean listable;
    volatile int failuresLeft;
    volatile boolean retryable = true;
    volatile boolean closed;

    RecordingSink(boolean listable) {
        this.listable = listable;
    }

    @Override
    public synchronized void banAll(List<BanRequest> requests) throws BanException {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new BanException("scripted failure", null, retryable);
        }
        for (BanRequest r : requests) {
            held.put(r.address(), r.duration());
        }
        batches.add(new ArrayList<>(requests));
    }

    @Override
    public void ban(BanRequest request) throws BanException {
        banAll(List.of(request));
    }

    @Override
    public synchronized void unban(InetAddress address) {
        held.remove(address);
        unbans.add(address);
    }

    @Override
    public synchronized boolean isBanned(InetAddress address) {
        return held.containsKey(address);
    }

    @Override
    public boolean canList() {
        return listable;
    }

    @Override
    public synchronized List<BanEntry> list() throws BanException {
        if (!listable) {
            return BanSink.super.list();
        }
        List<BanEntry> out = new ArrayList<>();
        held.forEach((a, d) -> out.add(new BanEntry(a, d)));
        return out;
    }

    /** The next batch delivered, waiting at most 10 s (the lane runs on its own thread). */
    List<BanRequest> nextBatch() throws InterruptedException {
        List<BanRequest> b = batches.poll(10, TimeUnit.SECONDS);
        if (b == null) {
            throw new AssertionError("no batch delivered within 10 s");
        }
        return b;
    }

    @Override
    public void close() {
        closed = true;
    }
}
