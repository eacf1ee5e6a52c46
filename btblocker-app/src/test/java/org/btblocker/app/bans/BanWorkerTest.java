package org.btblocker.app.bans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.btblocker.api.Direction;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

class BanWorkerTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(T0);

    private Config btblocker(String extra) {
        return ConfigFactory.parseString(extra + "\nbtblocker.stateDirectory = \"" + dir + "\"")
                .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("btblocker");
    }

    private BanWorker worker(BanJournal journal, String extra) {
        return new BanWorker(BanSettings.from(btblocker(extra)), journal, clock, millis -> true, dir).start();
    }

    private static Decision decision(String initiator, String responder) throws Exception {
        InetAddress i = InetAddress.getByName(initiator);
        InetAddress r = InetAddress.getByName(responder);
        return new Decision(PacketView.TCP, Addresses.hi(i), Addresses.lo(i), 40000, Addresses.hi(r),
                Addresses.lo(r), 6881, true, "handshake", "BEP 3 handshake", Direction.INITIATOR, true, true, 5, 0);
    }

    @Test
    void aDetectionIsJournaledAndReachesEverySink() throws Exception {
        RecordingSink a = new RecordingSink(true);
        RecordingSink b = new RecordingSink(false);
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            BanWorker w = worker(journal, "");
            w.useSinks(Map.of("a", a, "b", b)).get(10, TimeUnit.SECONDS);
            w.onDecision(decision("10.1.1.1", "8.8.4.4"));
            assertThat(a.nextBatch()).singleElement().satisfies(r -> {
                assertThat(r.address().getHostAddress()).isEqualTo("10.1.1.1");
                assertThat(r.duration()).isEqualTo(Duration.ofSeconds(18000));
                assertThat(r.origin()).isEqualTo(BanRequest.Origin.DETECTION);
            });
            assertThat(b.nextBatch()).hasSize(1);
            assertThat(w.list().get(10, TimeUnit.SECONDS)).extracting(e -> e.address().getHostAddress())
                    .containsExactly("10.1.1.1");
            assertThat(w.stats().bans()).isEqualTo(1);
            w.close();
            assertThat(a.closed).isTrue();
        }
    }

    @Test
    void afterARestartTheJournaledBansReachAFreshSinkWithTheTimeLeft() throws Exception {
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            BanWorker w = worker(journal, "");
            w.add(InetAddress.getByName("192.0.2.9"), Duration.ofHours(1), "operator test").get(10, TimeUnit.SECONDS);
            w.close();
        }
        clock.advance(Duration.ofMinutes(10));
        RecordingSink fresh = new RecordingSink(true);   // a reboot emptied the kernel set
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            BanWorker w = worker(journal, "");
            w.useSinks(Map.of("ipset", fresh)).get(10, TimeUnit.SECONDS);
            assertThat(fresh.nextBatch()).singleElement().satisfies(r -> {
                assertThat(r.address().getHostAddress()).isEqualTo("192.0.2.9");
                assertThat(r.duration()).isEqualTo(Duration.ofMinutes(50));
                assertThat(r.origin()).isEqualTo(BanRequest.Origin.OPERATOR);
            });
            w.close();
        }
    }

    @Test
    void fleetBansSkipTheAllowlistAndOperatorUnbansReachTheSinks() throws Exception {
        RecordingSink sink = new RecordingSink(true);
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            BanWorker w = worker(journal, "btblocker.allowlist = [\"10.9.0.0/16\"]");
            w.useSinks(Map.of("ipset", sink)).get(10, TimeUnit.SECONDS);
            assertThat(w.ban(new BanRequest(InetAddress.getByName("10.9.1.1"), Duration.ofHours(1), "crowdsec",
                    "fleet", BanRequest.Origin.FLEET))).isTrue();
            assertThat(w.ban(new BanRequest(InetAddress.getByName("203.0.113.5"), Duration.ofHours(1), "crowdsec",
                    "fleet", BanRequest.Origin.FLEET))).isTrue();
            assertThat(sink.nextBatch()).singleElement().satisfies(r ->
                    assertThat(r.address().getHostAddress()).isEqualTo("203.0.113.5"));
            assertThat(w.remove(InetAddress.getByName("203.0.113.5")).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sink.unbans.poll(10, TimeUnit.SECONDS)).isEqualTo(InetAddress.getByName("203.0.113.5"));
            assertThatThrownBy(() -> w.add(InetAddress.getByName("10.9.2.2"), null, "x").get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("allowlist");
            assertThat(w.list().get(10, TimeUnit.SECONDS)).isEmpty();
            BanWorker.Stats s = w.stats();
            assertThat(s.fleetBans()).isEqualTo(1);
            assertThat(s.notBanned()).isEqualTo(1);
            w.close();
        }
    }

    @Test
    void aSinkDroppedByAReloadIsClosedAndAKeptOneStays() throws Exception {
        RecordingSink kept = new RecordingSink(true);
        RecordingSink dropped = new RecordingSink(true);
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            BanWorker w = worker(journal, "");
            w.useSinks(Map.of("a", kept, "b", dropped)).get(10, TimeUnit.SECONDS);
            w.reconfigure(btblocker("btblocker.banDuration = 600")).get(10, TimeUnit.SECONDS);
            w.useSinks(Map.of("a", kept)).get(10, TimeUnit.SECONDS);
            assertThat(dropped.closed).isTrue();
            assertThat(kept.closed).isFalse();
            w.onDecision(decision("10.1.1.1", "8.8.4.4"));
            assertThat(kept.nextBatch()).singleElement().satisfies(r ->
                    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(600)));
            assertThat(w.stats().sinks()).extracting(BanWorker.SinkStats::name).containsExactly("a");
            w.close();
        }
    }

    @Test
    void decisionsNeverBlockTheCallerWhenTheQueueIsFull() throws Exception {
        try (BanJournal journal = BanJournal.open(dir, clock)) {
            // never started: nothing drains the queue
            BanWorker w = new BanWorker(BanSettings.from(btblocker("")), journal, clock, millis -> true, dir);
            Decision d = decision("10.1.1.1", "8.8.4.4");
            for (int n = 0; n < 5000; n++) {
                w.onDecision(d);
            }
            assertThat(w.stats().dropped()).isEqualTo(5000 - 4096);
            assertThat(List.of(w.stats().queued())).containsExactly(4096);
        }
    }
}
