package org.btblocker.netfilter.firewall;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One command line (program and arguments), run without a shell.
 *
 * @param argv the program first, then its arguments; never empty
 */
public record Command(List<String> argv) {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /** Copies and checks the argument list. */
    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    /** A command from its words. */
    public static Command of(String... argv) {
        return new Command(List.of(argv));
    }

    /** The program, e.g. {@code iptables}. */
    public String program() {
        return argv.get(0);
    }

    /** The command as a shell would need it: words with spaces or specials are single-quoted. */
    @Override
    public String toString() {
        var sb = new StringBuilder();
        for (String word : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
