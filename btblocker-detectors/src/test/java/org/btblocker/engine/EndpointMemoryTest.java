package org.btblocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.btblocker.api.EndpointKnowledge.Standing;
import org.btblocker.api.packet.Addresses;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class EndpointMemoryTest implements WithQuickTheories {

    private static final long PEER = Addresses.ipv4Lo(0xc0000201L);       // 192.0.2.1
    private static final long NET_A = Addresses.ipv4Lo(0xcb007101L);      // 203.0.113.1
    private static final long NET_A2 = Addresses.ipv4Lo(0xcb0071feL);     // 203.0.113.254: the same /24
    private static final long NET_B = Addresses.ipv4Lo(0xc6336401L);      // 198.51.100.1

    private static EndpointMemory memory(int entries, long ttlNanos, int perSource) {
        return new EndpointMemory(entries, Duration.ofNanos(ttlNanos), perSource, Duration.ofNanos(1000));
    }

    @Test
    void aProofLastsUntilTheTtlRunsOut() {
        EndpointMemory m = memory(64, 100, 10);
        m.prove(0, PEER, 6881, 0);
        assertThat(m.standing(0, PEER, 6881, 0)).isEqualTo(Standing.PROVEN);
        assertThat(m.standing(0, PEER, 6882, 0)).isEqualTo(Standing.UNKNOWN);
        assertThat(m.standing(1, PEER, 6881, 0)).isEqualTo(Standing.UNKNOWN);
        assertThat(m.standing(0, PEER, 6881, 99)).isEqualTo(Standing.PROVEN);
        assertThat(m.standing(0, PEER, 6881, 101)).isEqualTo(Standing.UNKNOWN);
    }

    @Test
    void oneSourceNetworkOnlyClaimsAndASecondNetworkCorroborates() {
        EndpointMemory m = memory(64, 1000, 10);
        assertThat(m.claim(0, PEER, 6881, 0, NET_A, 1000, 0)).isTrue();
        assertThat(m.standing(0, PEER, 6881, 1)).isEqualTo(Standing.CLAIMED);
        // another address of the same /24 is the same source
        assertThat(m.claim(0, PEER, 6881, 0, NET_A2, 1000, 1)).isTrue();
        assertThat(m.standing(0, PEER, 6881, 1)).isEqualTo(Standing.CLAIMED);
        assertThat(m.claim(0, PEER, 6881, 0, NET_B, 1000, 2)).isTrue();
        assertThat(m.standing(0, PEER, 6881, 2)).isEqualTo(Standing.CORROBORATED);
        m.prove(0, PEER, 6881, 3);
        assertThat(m.standing(0, PEER, 6881, 3)).isEqualTo(Standing.PROVEN);
    }

    @Test
    void aSourceNetworkHasABudgetPerWindow() {
        EndpointMemory m = memory(4096, 1_000_000, 3);
        for (int port = 1; port <= 3; port++) {
            assertThat(m.claim(0, PEER, port, 0, NET_A, 1000, 0)).isTrue();
        }
        assertThat(m.claim(0, PEER, 4, 0, NET_A2, 1000, 10)).as("budget of the /24 spent").isFalse();
        assertThat(m.claim(0, PEER, 4, 0, NET_B, 1000, 10)).as("another network has its own").isTrue();
        assertThat(m.claim(0, PEER, 5, 0, NET_A, 1000, 1000)).as("a new window").isTrue();
        assertThat(m.snapshot(1000).claimsRefused()).isEqualTo(1);
    }

    @Test
    void claimsNeverPushOutProofs() {
        EndpointMemory m = memory(4, 1_000_000, 1_000_000);   // one set of four ways
        for (int port = 1; port <= 4; port++) {
            m.prove(0, PEER, port, 0);
        }
        for (int port = 100; port < 200; port++) {
            m.claim(0, PEER, port, 0, NET_A, 1000, 1);
        }
        for (int port = 1; port <= 4; port++) {
            assertThat(m.standing(0, PEER, port, 2)).isEqualTo(Standing.PROVEN);
        }
        m.prove(0, PEER, 5, 3);       // a proof may replace the oldest proof
        assertThat(m.standing(0, PEER, 5, 3)).isEqualTo(Standing.PROVEN);
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        EndpointMemory m = memory(256, 1_000_000, 1_000_000);
        for (int n = 0; n < 100_000; n++) {
            m.prove(n, n * 3L, 1 + n % 65535, 0);
        }
        EndpointMemory.Snapshot s = m.snapshot(0);
        assertThat(s.size()).isLessThanOrEqualTo(s.capacity()).isEqualTo(256);
        assertThat(m.standing(99_999, 99_999 * 3L, 1 + 99_999 % 65535, 0)).isEqualTo(Standing.PROVEN);
    }

    @Test
    void anyMixOfClaimsAndProofsStaysBoundedAndConsistent() {
        qt().forAll(lists().of(integers().between(0, 1 << 20)).ofSizeBetween(1, 400)).checkAssert(ops -> {
            EndpointMemory m = memory(64, 500, 50);
            long now = 0;
            for (int op : ops) {
                now += op & 7;
                int port = 1 + (op >>> 3) % 200;
                if ((op & 0x100000) != 0) {
                    m.prove(0, PEER, port, now);
                    assertThat(m.standing(0, PEER, port, now)).isEqualTo(Standing.PROVEN);
                } else {
                    long source = (op & 0x40000) != 0 ? NET_A : NET_B;
                    if (m.claim(0, PEER, port, 0, source, 1000, now)) {
                        assertThat(m.standing(0, PEER, port, now)).isNotEqualTo(Standing.UNKNOWN);
                    }
                }
            }
            EndpointMemory.Snapshot s = m.snapshot(now);
            assertThat(s.size()).isBetween(0, s.capacity());
        });
    }

    @Test
    void portZeroIsNeverRemembered() {
        EndpointMemory m = memory(16, 1000, 10);
        m.prove(0, PEER, 0, 0);
        assertThat(m.claim(0, PEER, 0, 0, NET_A, 1000, 0)).isFalse();
        assertThat(m.standing(0, PEER, 0, 0)).isEqualTo(Standing.UNKNOWN);
    }

    @Test
    void lookupsFromOtherThreadsSeeProofsWithoutLocking() throws Exception {
        EndpointMemory m = memory(1 << 12, Long.MAX_VALUE / 4, 1 << 20);
        Thread writer = new Thread(() -> {
            for (int port = 1; port <= 20_000; port++) {
                m.prove(0, PEER, port, 0);
                m.claim(0, PEER + 1, port, 0, NET_A, 1000, 0);
            }
        });
        writer.start();
        while (writer.isAlive()) {
            for (int port = 1; port <= 20_000; port += 997) {
                // a torn read would show a claimed standing for a port that is only ever proven
                assertThat(m.standing(0, PEER, port, 1)).isIn(Standing.UNKNOWN, Standing.PROVEN);
            }
        }
        writer.join();
        // the last proofs are there once the writer is done
        assertThat(m.standing(0, PEER, 20_000, 1)).isEqualTo(Standing.PROVEN);
    }
}
