package org.btblocker.app.bans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.btblocker.api.ban.BanRequest;
import org.btblocker.app.errors.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.WithQuickTheories;

class BanJournalTest implements WithQuickTheories {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static BanRequest ban(InetAddress a, long seconds) {
        return new BanRequest(a, Duration.ofSeconds(seconds), "handshake", "BEP 3 handshake");
    }

    @Test
    void bansSurviveAReopenWithTheirAbsoluteExpiry() throws Exception {
        TestClock clock = new TestClock(T0);
        try (BanJournal j = BanJournal.open(dir, clock)) {
            j.ban(ban(ip("10.0.0.2"), 18000));
            j.ban(ban(ip("2001:db8::1"), 600));
            j.ban(ban(ip("10.0.0.3"), 60));
            assertThat(j.unban(ip("10.0.0.3"), "operator")).isTrue();
        }
        clock.advance(Duration.ofSeconds(100));
        try (BanJournal j = BanJournal.open(dir, clock)) {
            List<BanJournal.Entry> active = j.active(clock.instant());
            assertThat(active).extracting(e -> e.address().getHostAddress())
                    .containsExactly("10.0.0.2", "2001:db8:0:0:0:0:0:1");
            assertThat(active.get(0).request(clock.instant()).duration()).isEqualTo(Duration.ofSeconds(17900));
            assertThat(active.get(1).detector()).isEqualTo("handshake");
            // sequence numbers go on after a reopen
            assertThat(j.ban(ban(ip("10.0.0.9"), 10)).seq()).isGreaterThan(active.get(1).seq());
        }
    }

    @Test
    void expiredBansAreNotRestoredAndAreCounted() throws Exception {
        TestClock clock = new TestClock(T0);
        try (BanJournal j = BanJournal.open(dir, clock)) {
            j.ban(ban(ip("10.0.0.2"), 30));
        }
        clock.advance(Duration.ofSeconds(31));
        try (BanJournal j = BanJournal.open(dir, clock)) {
            assertThat(j.active(clock.instant())).isEmpty();
            assertThat(j.expired()).isEqualTo(1);
        }
    }

    @Test
    void aTornLastRecordIsSkippedNeverFatal() throws Exception {
        TestClock clock = new TestClock(T0);
        try (BanJournal j = BanJournal.open(dir, clock)) {
            j.ban(ban(ip("10.0.0.2"), 600));
        }
        Files.writeString(dir.resolve(BanJournal.FILE), "{\"seq\":2,\"op\":\"ban\",\"addr\":\"10.0.0", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (BanJournal j = BanJournal.open(dir, clock)) {
            assertThat(j.skipped()).isEqualTo(1);
            assertThat(j.active(clock.instant())).extracting(e -> e.address().getHostAddress())
                    .containsExactly("10.0.0.2");
            j.ban(ban(ip("10.0.0.4"), 600));       // appends after the torn line: the next open reads it
        }
        try (BanJournal j = BanJournal.open(dir, clock)) {
            assertThat(j.active(clock.instant())).hasSize(2);
        }
    }

    @Test
    void aHostnameInTheFileIsNeverLookedUp() throws Exception {
        Files.writeString(dir.resolve(BanJournal.FILE), "{\"seq\":1,\"op\":\"ban\",\"addr\":\"example.org\","
                + "\"expires\":" + T0.plusSeconds(60).toEpochMilli() + "}\n");
        try (BanJournal j = BanJournal.open(dir, new TestClock(T0))) {
            assertThat(j.active(T0)).isEmpty();
            assertThat(j.skipped()).isEqualTo(1);
        }
    }

    @Test
    void compactionKeepsTheActiveBansAndTheSequence() throws Exception {
        TestClock clock = new TestClock(T0);
        long last;
        try (BanJournal j = BanJournal.open(dir, clock)) {
            for (int n = 0; n < 3000; n++) {
                j.ban(ban(ip("10.0." + (n % 8) + ".1"), 600));
            }
            j.sync();
            last = j.nextSeq();
            assertThat(Files.readAllLines(dir.resolve(BanJournal.FILE))).hasSizeLessThan(100);
        }
        try (BanJournal j = BanJournal.open(dir, clock)) {
            assertThat(j.active(clock.instant())).hasSize(8);
            assertThat(j.nextSeq()).isEqualTo(last);
        }
    }

    @Test
    void anUnwritableStateDirectoryIsOneLine() throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> BanJournal.open(file.resolve("sub"), new TestClock(T0)))
                .isInstanceOf(UserException.class).hasMessageContaining("btblocker.stateDirectory")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anySequenceOfBansAndUnbansReadsBackAsItWasLeft() {
        qt().withExamples(60).forAll(lists().of(integers().between(0, 1 << 16)).ofSizeBetween(0, 60)).checkAssert(ops -> {
            try {
                Path d = Files.createTempDirectory(dir, "p");
                TestClock clock = new TestClock(T0);
                Map<InetAddress, Instant> model = new LinkedHashMap<>();
                try (BanJournal j = BanJournal.open(d, clock)) {
                    for (int op : ops) {
                        InetAddress a = ip("192.0.2." + (op % 16));
                        if ((op & 0x1000) != 0) {
                            j.unban(a, "test");
                            model.remove(a);
                        } else {
                            long seconds = 1 + (op >>> 4) % 500;
                            j.ban(ban(a, seconds));
                            model.remove(a);
                            model.put(a, clock.instant().plusSeconds(seconds));
                        }
                        clock.advance(Duration.ofSeconds(op & 3));
                    }
                }
                Instant now = clock.instant();
                model.values().removeIf(e -> !e.isAfter(now));
                try (BanJournal j = BanJournal.open(d, clock)) {
                    Map<InetAddress, Instant> read = new LinkedHashMap<>();
                    j.active(now).forEach(e -> read.put(e.address(), e.expires()));
                    assertThat(read).isEqualTo(model);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
