package org.btblocker.app.bans;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.btblocker.api.ban.BanRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkLaneTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(T0);
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    /** Retries wait on the test's clock, not on the wall: the test sees the backoff and never sleeps. */
    private final SinkLane.Sleeper sleeper = millis -> {
        sleeps.add(millis);
        clock.advance(Duration.ofMillis(millis));
        return true;
    };

    private static BanRequest ban(String ip, long seconds) throws Exception {
        return new BanRequest(InetAddress.getByName(ip), Duration.ofSeconds(seconds), "dht", "KRPC");
    }

    @Test
    void bansQueuedTogetherGoOutInOneBatch() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        SinkLane lane = new SinkLane("test", sink, clock, sleeper, 0);
        for (int n = 1; n <= 5; n++) {
            lane.ban(n, ban("10.0.0." + n, 600));
        }
        lane.start();
        assertThat(sink.nextBatch()).hasSize(5);
        lane.close();
        assertThat(lane.added.get()).isEqualTo(5);
        assertThat(lane.delivered()).isEqualTo(5);
        assertThat(sink.closed).isTrue();
    }

    @Test
    void aRetryableFailureIsRetriedWithGrowingBackoffAndNothingIsLost() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        sink.failuresLeft = 4;
        SinkLane lane = new SinkLane("test", sink, clock, sleeper, 0).start();
        lane.ban(1, ban("10.0.0.1", 600));
        assertThat(sink.nextBatch()).extracting(r -> r.address().getHostAddress()).containsExactly("10.0.0.1");
        lane.close();
        assertThat(sleeps).containsExactly(1000L, 2000L, 4000L, 8000L);
        assertThat(lane.retries.get()).isEqualTo(4);
        assertThat(lane.failed.get()).isZero();
        assertThat(lane.lastError()).isNull();
    }

    @Test
    void aPermanentFailureIsCountedAndTheLaneGoesOn() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        sink.failuresLeft = 1;
        sink.retryable = false;
        SinkLane lane = new SinkLane("test", sink, clock, sleeper, 0).start();
        lane.ban(1, ban("10.0.0.1", 600));
        lane.ban(2, ban("10.0.0.2", 600));
        // the first batch may hold one or both bans; whatever failed is counted, the rest arrives
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (lane.failed.get() + lane.added.get() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        lane.close();
        assertThat(lane.failed.get() + lane.added.get()).isEqualTo(2);
        assertThat(lane.failed.get()).isPositive();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aResyncReAddsWhatAListableSinkLostWithTheTimeLeft() throws Exception {
        RecordingSink sink = new RecordingSink(true);
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            BanJournal.Entry kept = journal.ban(ban("10.0.0.1", 600));
            journal.ban(ban("10.0.0.2", 600));
            sink.held.put(kept.address(), Duration.ofSeconds(600));   // the sink still has one of the two
            clock.advance(Duration.ofSeconds(100));
            SinkLane lane = new SinkLane("ipset", sink, clock, sleeper, 0).start();
            lane.resync(journal.active(clock.instant()), false);
            List<BanRequest> readded = sink.nextBatch();
            lane.close();
            assertThat(readded).singleElement().satisfies(r -> {
                assertThat(r.address().getHostAddress()).isEqualTo("10.0.0.2");
                assertThat(r.duration()).isEqualTo(Duration.ofSeconds(500));
            });
            assertThat(lane.restored.get()).isEqualTo(1);
        }
    }

    @Test
    void aSinkThatCannotListGetsTheBansItHasNotAcknowledgedAtStartup() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            journal.ban(ban("10.0.0.1", 600));
            BanJournal.Entry second = journal.ban(ban("10.0.0.2", 600));
            journal.ban(ban("10.0.0.3", 600));
            SinkLane lane = new SinkLane("crowdsec", sink, clock, sleeper, second.seq() - 1).start();
            lane.resync(journal.active(clock.instant()), true);
            List<BanRequest> sent = sink.nextBatch();
            lane.close();
            assertThat(sent).extracting(r -> r.address().getHostAddress()).containsExactly("10.0.0.2", "10.0.0.3");
            // a periodic (non-startup) resync of such a sink sends nothing again
            RecordingSink again = new RecordingSink(false);
            SinkLane later = new SinkLane("crowdsec", again, clock, sleeper, lane.delivered()).start();
            later.resync(journal.active(clock.instant()), false);
            later.close();
            assertThat(again.batches).isEmpty();
        }
    }
}
