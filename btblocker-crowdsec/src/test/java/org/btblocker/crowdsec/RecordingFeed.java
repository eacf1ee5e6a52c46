package org.btblocker.crowdsec;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;

/** A {@link BanFeed} that records what it is handed and can refuse (a full daemon queue). Thread-safe. */
final class RecordingFeed implements BanFeed {

    /** One hand-over: a ban, or an unban (request null). */
    record Event(InetAddress address, BanRequest request, String why) {
        boolean isBan() {
            return request != null;
        }
    }

    private final List<Event> events = new ArrayList<>();
    private boolean full;

    /** While full, every call returns false and records nothing. */
    synchronized void setFull(boolean full) {
        this.full = full;
    }

    @Override
    public synchronized boolean ban(BanRequest request) {
        if (full) {
            return false;
        }
        events.add(new Event(request.address(), request, request.reason()));
        notifyAll();
        return true;
    }

    @Override
    public synchronized boolean unban(InetAddress address, String why) {
        if (full) {
            return false;
        }
        events.add(new Event(address, null, why));
        notifyAll();
        return true;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<Event> bans() {
        return events.stream().filter(Event::isBan).toList();
    }

    synchronized List<Event> unbans() {
        return events.stream().filter(e -> !e.isBan()).toList();
    }

    /** Waits (up to {@code timeout}) for an event matching {@code p}; the real pull thread runs meanwhile. */
    synchronized Event await(Predicate<Event> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Event e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching feed event within " + timeout.toSeconds() + " s; got "
                        + events);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
