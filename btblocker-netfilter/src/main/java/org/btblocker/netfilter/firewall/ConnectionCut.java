package org.btblocker.netfilter.firewall;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the conntrack entries of a newly banned address, so that its connections that were found clean before the
 * ban stop at once. Needed because of the rule layout ({@link FirewallPlan}): a decided flow's packets are compared
 * with their connection mark before anything else and never reach the ipset drop; without its conntrack entry the
 * next packet is undecided again, enters our chain and meets the drop.
 *
 * <p>Runs {@code conntrack -D} (Debian's {@code conntrack}, nixpkgs' {@code conntrack-tools}) twice per address, for
 * the connections it opened ({@code -s}) and the ones opened to it ({@code -r}). Called on the ban sink's own thread,
 * never on the packet path. Without the tool, bans still stop every new connection; one warning says what is
 * missing.
 */
public final class ConnectionCut {

    private static final Logger log = LoggerFactory.getLogger(ConnectionCut.class);

    private final CommandRunner runner;
    private boolean warned;

    ConnectionCut(CommandRunner runner) {
        this.runner = runner;
    }

    /** Runs the real {@code conntrack} tool. */
    public static ConnectionCut system() {
        return new ConnectionCut(CommandRunner.system());
    }

    /** The two commands that cut {@code address}'s connections. */
    static List<Command> commands(InetAddress address) {
        String family = address instanceof Inet6Address ? "ipv6" : "ipv4";
        String a = address.getHostAddress();
        List<Command> out = new ArrayList<>();
        for (String side : List.of("-s", "-r")) {
            out.add(Command.of("conntrack", "-D", "-f", family, side, a));
        }
        return out;
    }

    /**
     * Deletes every conntrack entry whose original source or reply source is {@code address}; returns how many the
     * tool said it deleted, or -1 when it could not run.
     */
    public int cut(InetAddress address) {
        int deleted = 0;
        for (Command c : commands(address)) {
            CommandRunner.Result r;
            try {
                r = runner.run(c);
            } catch (IOException e) {
                r = CommandRunner.Result.failed(127, e.getMessage());
            }
            int n = deletedCount(r.stdout() + "\n" + r.stderr());
            if (n < 0) {    // exit 1 with "0 flow entries" is the normal "none"; anything else is a failure
                if (!warned) {
                    warned = true;
                    log.warn("cannot cut the connections of banned hosts ({}: {}); new connections of a banned host "
                            + "are dropped, its open ones found clean before run until they end; install conntrack "
                            + "(conntrack-tools)", c, r.firstErrorLine());
                }
                return -1;
            }
            deleted += n;
        }
        return deleted;
    }

    /** The N of conntrack's "N flow entries have been deleted", or -1 when the output has no such line. */
    static int deletedCount(String output) {
        int at = output.indexOf(" flow entries have been deleted");
        if (at < 0) {
            at = output.indexOf(" flow entry has been deleted");
        }
        if (at < 0) {
            return -1;
        }
        int start = at;
        while (start > 0 && Character.isDigit(output.charAt(start - 1))) {
            start--;
        }
        return start == at || at - start > 9 ? -1 : Integer.parseInt(output.substring(start, at));
    }
}
