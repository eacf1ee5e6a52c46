package org.btblocker.netfilter.firewall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs commands inside a network namespace this test created ({@code ip netns exec}), so the host's firewall is never
 * touched. {@link #close()} deletes the namespace with everything in it.
 */
final class NetnsRunner implements CommandRunner, AutoCloseable {

    final String name;
    private final CommandRunner system = CommandRunner.system();

    NetnsRunner(String prefix) throws IOException {
        this.name = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        Result r = system.run(Command.of("ip", "netns", "add", name));
        if (!r.isSuccess()) {
            throw new IOException("ip netns add " + name + ": " + r.firstErrorLine());
        }
    }

    /** True when this process may create network namespaces and the tools exist. */
    static boolean usable() {
        return new FirewallProbe.SystemHost().hasNetAdmin()
                && new FirewallProbe.SystemHost().hasProgram("ip")
                && new FirewallProbe.SystemHost().hasProgram("iptables");
    }

    @Override
    public Result run(Command command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name));
        argv.addAll(command.argv());
        return system.run(new Command(argv));
    }

    /** Runs a command that must succeed; returns its stdout. */
    String ok(String... argv) throws IOException {
        Result r = run(Command.of(argv));
        if (!r.isSuccess()) {
            throw new IOException(String.join(" ", argv) + ": " + r.firstErrorLine());
        }
        return r.stdout();
    }

    @Override
    public void close() throws IOException {
        system.run(Command.of("ip", "netns", "delete", name));
    }
}
