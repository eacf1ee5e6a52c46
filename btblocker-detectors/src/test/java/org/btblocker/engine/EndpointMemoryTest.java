package org.btblocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointMemoryTest {

    @Test
    void remembersUntilTheTtlRunsOut() {
        EndpointMemory memory = new EndpointMemory(64, 100);
        memory.setNow(0);
        memory.rememberPeer(0, 42, 6881);
        assertThat(memory.isKnownPeer(0, 42, 6881)).isTrue();
        assertThat(memory.isKnownPeer(0, 42, 6882)).isFalse();
        assertThat(memory.isKnownPeer(1, 42, 6881)).isFalse();
        memory.setNow(99);
        assertThat(memory.isKnownPeer(0, 42, 6881)).isTrue();
        memory.setNow(101);
        assertThat(memory.isKnownPeer(0, 42, 6881)).isFalse();
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        EndpointMemory memory = new EndpointMemory(256, 1_000_000);
        memory.setNow(0);
        for (int n = 0; n < 100_000; n++) {
            memory.rememberPeer(n, n * 3L, 1 + n % 65535);
        }
        assertThat(memory.size()).isLessThanOrEqualTo(memory.capacity()).isEqualTo(256);
        assertThat(memory.isKnownPeer(99_999, 99_999 * 3L, 1 + 99_999 % 65535)).isTrue();
    }

    @Test
    void ignoresPortZero() {
        EndpointMemory memory = new EndpointMemory(16, 1000);
        memory.rememberPeer(0, 1, 0);
        assertThat(memory.isKnownPeer(0, 1, 0)).isFalse();
    }
}
