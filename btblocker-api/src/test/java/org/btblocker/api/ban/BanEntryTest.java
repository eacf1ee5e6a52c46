package org.btblocker.api.ban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BanEntryTest {

    @Test
    void validatesItsFields() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        assertThat(new BanEntry(a, Duration.ZERO).remaining()).isZero();
        assertThatThrownBy(() -> new BanEntry(null, Duration.ZERO)).isInstanceOf(NullPointerException.class)
                .hasMessage("address");
        assertThatThrownBy(() -> new BanEntry(a, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("remaining");
        assertThatThrownBy(() -> new BanEntry(a, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sinksListNothingUnlessTheySayHow() {
        BanSink sink = new BanSink() {
            @Override
            public void ban(BanRequest request) { }

            @Override
            public void unban(InetAddress address) { }

            @Override
            public boolean isBanned(InetAddress address) {
                return false;
            }

            @Override
            public void close() { }
        };
        assertThatThrownBy(sink::list).isInstanceOf(BanException.class)
                .hasMessage("this ban sink cannot list its bans");
        BanSink listing = new BanSink() {
            @Override
            public void ban(BanRequest request) { }

            @Override
            public void unban(InetAddress address) { }

            @Override
            public boolean isBanned(InetAddress address) {
                return false;
            }

            @Override
            public List<BanEntry> list() {
                return List.of();
            }

            @Override
            public void close() { }
        };
        assertThat(catchList(listing)).isEmpty();
    }

    private static List<BanEntry> catchList(BanSink sink) {
        try {
            return sink.list();
        } catch (BanException e) {
            throw new AssertionError(e);
        }
    }
}
