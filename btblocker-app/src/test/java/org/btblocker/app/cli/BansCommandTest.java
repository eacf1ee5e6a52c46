package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.app.errors.ErrorHandler;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BansCommandTest {

    /** A sink holding fixed bans; {@code bans == null} keeps the default list() (unsupported). */
    static final class FakeSink implements BanSink {
        final List<BanEntry> bans;
        boolean closed;

        FakeSink(List<BanEntry> bans) {
            this.bans = bans;
        }

        @Override
        public void ban(BanRequest request) { }

        @Override
        public void unban(InetAddress address) { }

        @Override
        public boolean isBanned(InetAddress address) {
            return false;
        }

        @Override
        public List<BanEntry> list() throws BanException {
            return bans == null ? BanSink.super.list() : bans;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    record Run(int exitCode, String out, String err) { }

    private final List<Config> configs = new ArrayList<>();

    private Run run(BansCommand.SinkFactory sinks, String... args) {
        CommandLine cl = new CommandLine(new BansCommand(c -> {
            configs.add(c);
            return sinks.create(c);
        }));
        cl.setExecutionExceptionHandler(new ErrorHandler());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static BanEntry entry(String ip, long seconds) throws Exception {
        return new BanEntry(InetAddress.getByName(ip), Duration.ofSeconds(seconds));
    }

    @Test
    void printsOneLinePerBanSortedAndACount() throws Exception {
        FakeSink sink = new FakeSink(List.of(entry("2001:db8:0:0:0:0:0:1", 600), entry("10.0.0.10", 12),
                entry("10.0.0.2", 17995), entry("192.0.2.1", 0)));
        Run r = run(c -> sink, "--set", "btblocker.banSink=nftables");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().split("\n")).containsExactly(
                "10.0.0.2     17995 s left",
                "10.0.0.10    12 s left",
                "192.0.2.1    no timeout",
                "2001:db8::1  600 s left",
                "4 bans");
        assertThat(sink.closed).isTrue();
        assertThat(configs).singleElement().satisfies(c -> assertThat(c.getStringList("btblocker.banSinks"))
            .containsExactly("nftables"));
    }

    @Test
    void theExampleLineAndTheSingularCount() throws Exception {
        assertThat(BansCommand.format(List.of(entry("10.0.0.2", 17995)))).containsExactly("10.0.0.2  17995 s left",
                "1 ban");
        assertThat(BansCommand.format(List.of())).containsExactly("0 bans");
    }

    @Test
    void aSinkThatCannotListIsOneLineAndExit1() {
        FakeSink sink = new FakeSink(null);
        Run r = run(c -> sink, "--set", "btblocker.banSink=log");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.RUNTIME);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(
                "btblocker: listing the bans of [log] failed: this ban sink cannot list its bans\n");
        assertThat(sink.closed).isTrue();
    }

    @Test
    void aSinkThatCannotOpenIsOneLineWithItsExitCode() {
        Run r = run(c -> {
            throw new UserException(ExitCodes.RUNTIME, "ipset: cannot open a netfilter netlink socket (EPERM)");
        });
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("btblocker: ipset: cannot open a netfilter netlink socket (EPERM)\n");
    }

    @Test
    void registeredInTheTopLevelCommand() {
        assertThat(BtblockerCommand.commandLine().getSubcommands()).containsKey("bans");
    }
}
