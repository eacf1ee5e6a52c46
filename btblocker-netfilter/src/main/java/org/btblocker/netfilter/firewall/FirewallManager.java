package org.btblocker.netfilter.firewall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.btblocker.netfilter.firewall.FirewallPlan.Family;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and removes a {@link FirewallPlan} through a {@link CommandRunner}.
 *
 * <ul>
 *   <li><b>Idempotent</b>: each step first checks whether its object exists; an existing chain of ours is reused and
 *   flushed, an existing jump is not added twice. Installing twice leaves the same rules as installing once.</li>
 *   <li><b>Rollback</b>: when a step fails, the steps done so far are undone in reverse (best effort), so a failed
 *   install leaves none of our chains or jumps. Ban sets that existed before are never destroyed.</li>
 *   <li><b>Only ours</b>: removal deletes only rules that jump to {@link FirewallPlan#CHAIN} or
 *   {@link FirewallPlan#SAVE_CHAIN} (found by listing the built-in chains, so jumps left by older settings go too),
 *   then our chains. Other users' rules are never touched.</li>
 *   <li><b>Checked</b>: {@link #missing} tells whether the installed rules are still there (an operator's
 *   {@code nft flush ruleset} or {@code iptables -F} removes them under the daemon), so the daemon can put them
 *   back.</li>
 *   <li><b>The state before</b>: which iptables-nft tables existed before the first install is kept in a file
 *   (under the runtime directory), so a daemon started after a {@code kill -9} still knows which empty tables the
 *   first one brought into being, and its clean stop removes them.</li>
 * </ul>
 */
public final class FirewallManager {

    private static final Logger log = LoggerFactory.getLogger(FirewallManager.class);

    /** Built-in chains that may hold our jumps, per table. */
    private static final String[][] HOOKS = {
        {"mangle", "PREROUTING"}, {"mangle", "FORWARD"}, {"mangle", "INPUT"}, {"mangle", "OUTPUT"},
        {"filter", "FORWARD"}, {"filter", "INPUT"}, {"filter", "OUTPUT"},
    };
    /** Bounds the jump-deletion loop even if a tool keeps reporting the same rule. */
    private static final int MAX_JUMPS_PER_CHAIN = 256;

    /**
     * The tables iptables-nft keeps our rules in. Adding a rule creates the table and the built-in chain in nftables
     * when missing, and deleting the rules leaves them behind (empty, policy accept).
     */
    private static final String[][] NFT_IPTABLES_TABLES = {
        {"ip", "mangle"}, {"ip", "filter"}, {"ip6", "mangle"}, {"ip6", "filter"},
    };

    private final CommandRunner runner;
    /** Where the state before the first install is kept across daemon lives; null: in memory only. */
    private final Path baselineFile;
    /**
     * Chains of each iptables-nft table before the first {@link #install} ("ip mangle" → chain names; absent key: the
     * table did not exist), so {@link #remove} can delete what iptables created for us. Null until install ran.
     */
    private Map<String, Set<String>> nftBaseline;

    /** Uses this runner for every command. */
    public FirewallManager(CommandRunner runner) {
        this(runner, null);
    }

    /**
     * Uses this runner, and keeps the state before the first install in {@code baselineFile} until a clean
     * {@link #remove}.
     */
    public FirewallManager(CommandRunner runner, Path baselineFile) {
        this.runner = runner;
        this.baselineFile = baselineFile;
    }

    /** A manager that runs the real tools. */
    public static FirewallManager system() {
        return new FirewallManager(CommandRunner.system());
    }

    /**
     * A manager that runs the real tools and keeps the state before its first install in {@code baselineFile}
     * (the daemon's runtime directory): a daemon killed with SIGKILL leaves the file, and the next one uses it.
     */
    public static FirewallManager system(Path baselineFile) {
        return new FirewallManager(CommandRunner.system(), baselineFile);
    }

    /**
     * Installs the plan.
     *
     * @throws FirewallException naming the failed step and the tool's message, after rolling back
     */
    public void install(FirewallPlan plan) throws FirewallException {
        // Jumps of ours that this plan does not have (older settings: another interface) would keep sending
        // traffic to our chains; they go first. Their absence is the state a rollback returns to.
        List<String> stale = new ArrayList<>();
        for (Family f : Family.values()) {
            for (String[] hook : HOOKS) {
                List<List<String>> keep = plan.jumps().stream()
                        .filter(j -> j.family() == f && j.table().equals(hook[0]) && j.chain().equals(hook[1]))
                        .map(FirewallPlan.Jump::spec).toList();
                removeJumps(f, hook[0], hook[1], keep, stale);
            }
        }
        if (!stale.isEmpty()) {
            throw new FirewallException("could not remove old firewall rules: " + String.join("; ", stale));
        }
        if (nftBaseline == null) {
            // once per daemon: a reinstall (repair, reload) must not take our own leftovers for the state before
            nftBaseline = loadOrRecordBaseline();
        }
        Deque<Done> done = new ArrayDeque<>();
        for (Step step : plan.installSteps()) {
            boolean present = step.check() != null && succeeds(step.check());
            if (!present) {
                CommandRunner.Result r = run(step.apply());
                if (!r.isSuccess()) {
                    rollback(done);
                    removeEmptyNftTablesWeCreated(new ArrayList<>());
                    throw new FirewallException("could not add " + step.description() + ": " + r.firstErrorLine()
                            + " [" + step.apply() + "]");
                }
            }
            done.push(new Done(step, present));
        }
        log.info("firewall rules installed: {} steps, interfaces {}", done.size(), plan.settings().interfaces());
    }

    private record Done(Step step, boolean wasPresent) { }

    /**
     * Changes the installed rules to {@code plan} in one {@code iptables-restore --noflush} transaction per family
     * (a reload with other interfaces, queues or marks): no packet meets a half-filled chain, and a refused script
     * changes nothing. Before any {@link #install} by this manager it is an install.
     *
     * @throws FirewallException naming the tool's message; the rules in force stay as they were
     */
    public void replace(FirewallPlan plan) throws FirewallException {
        if (nftBaseline == null) {
            install(plan);
            return;
        }
        for (Step step : plan.setSteps()) {        // nft drop chains of nftables sinks: idempotent, their own table
            if (step.check() == null || !succeeds(step.check())) {
                CommandRunner.Result r = run(step.apply());
                if (!r.isSuccess()) {
                    throw new FirewallException("could not add " + step.description() + ": " + r.firstErrorLine());
                }
            }
        }
        for (Family f : Family.values()) {
            StringBuilder script = new StringBuilder();
            for (String table : List.of("mangle", "filter")) {
                CommandRunner.Result listing = run(FirewallPlan.ipt(f, table, "-S"));
                if (!listing.isSuccess() && !isAbsent(listing)) {
                    throw new FirewallException("cannot list " + f.program() + " " + table + ": "
                            + listing.firstErrorLine());
                }
                script.append(plan.restoreScript(f, table, listing.isSuccess() ? listing.stdout() : ""));
            }
            Path file = null;
            try {
                file = Files.createTempFile("btblocker-rules-", ".txt");
                Files.writeString(file, script, StandardCharsets.UTF_8);
                Command restore = Command.of(f.program() + "-restore", "-w", "--noflush", file.toString());
                CommandRunner.Result r = run(restore);
                if (!r.isSuccess()) {
                    throw new FirewallException("could not replace the firewall rules (" + f.program()
                            + "-restore, nothing changed): " + r.firstErrorLine());
                }
            } catch (IOException e) {
                throw new FirewallException("could not write the rules for " + f.program() + "-restore: "
                        + e.getMessage());
            } finally {
                if (file != null) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // a temporary file left behind is harmless
                    }
                }
            }
        }
        log.info("firewall rules replaced in one transaction per family, interfaces {}", plan.settings().interfaces());
    }

    private void rollback(Deque<Done> done) {
        while (!done.isEmpty()) {
            Done d = done.pop();
            if (d.wasPresent() && !d.step().undoIfPresent()) {
                continue;
            }
            for (Command c : d.step().undo()) {
                CommandRunner.Result r = run(c);
                if (!r.isSuccess()) {
                    log.warn("rollback: {} failed: {}", c, r.firstErrorLine());
                }
            }
        }
    }

    /**
     * Removes our jumps (whatever interfaces they name), our chains and the nft ban chains; keeps the ban sets.
     * Nothing that is already absent is an error.
     *
     * @throws FirewallException when one of our chains is still there afterwards
     */
    public void remove(FirewallPlan plan) throws FirewallException {
        List<String> problems = new ArrayList<>();
        for (Family f : Family.values()) {
            for (String[] hook : HOOKS) {
                removeJumps(f, hook[0], hook[1], List.of(), problems);
            }
        }
        for (Family f : Family.values()) {
            List<String[]> present = new ArrayList<>();
            for (String[] c : FirewallPlan.ALL_CHAINS) {        // whatever the plan: settings may have changed
                if (succeeds(FirewallPlan.ipt(f, c[0], "-n", "-L", c[1]))) {
                    present.add(c);
                }
            }
            // all flushed first: one chain of ours may refer to another (the dispatch chain's goto)
            for (String op : List.of("-F", "-X")) {
                for (String[] c : present) {
                    Command cmd = FirewallPlan.ipt(f, c[0], op, c[1]);
                    CommandRunner.Result r = run(cmd);
                    if (!r.isSuccess()) {
                        problems.add(cmd + ": " + r.firstErrorLine());
                    }
                }
            }
        }
        // The nft ban chains, whatever the ban sink is now (it may have been nftables before).
        for (Step s : plan.nftChainCleanup()) {
            if (succeeds(s.check())) {
                for (Command cmd : s.undo()) {
                    CommandRunner.Result r = run(cmd);
                    if (!r.isSuccess()) {
                        problems.add(cmd + ": " + r.firstErrorLine());
                    }
                }
            }
        }
        removeEmptyNftTablesWeCreated(problems);
        if (!problems.isEmpty()) {
            throw new FirewallException("could not remove all firewall rules: " + String.join("; ", problems));
        }
        forgetBaseline();
        log.info("firewall rules removed");
    }

    /**
     * What of {@code plan} is no longer installed: our chains (missing, or with fewer or more rules than planned),
     * the jumps into them and the nftables drop chains, one short description each; empty when all is in place.
     * Costs one {@code iptables -S} per table and family (and one {@code nft list chain} per nft drop chain), so the
     * daemon can afford it every few seconds.
     */
    public List<String> missing(FirewallPlan plan) {
        List<String> missing = new ArrayList<>();
        for (Family f : Family.values()) {
            for (String table : List.of("mangle", "filter")) {
                List<FirewallPlan.OwnChain> chains = plan.chains().stream()
                        .filter(c -> c.family() == f && c.table().equals(table)).toList();
                List<FirewallPlan.Jump> jumps = plan.jumps().stream()
                        .filter(j -> j.family() == f && j.table().equals(table)).toList();
                if (chains.isEmpty() && jumps.isEmpty()) {
                    continue;
                }
                CommandRunner.Result r = run(FirewallPlan.ipt(f, table, "-S"));
                List<String> lines = r.isSuccess() ? List.of(r.stdout().split("\n")) : List.of();
                for (FirewallPlan.OwnChain c : chains) {
                    long rules = lines.stream().filter(l -> l.startsWith("-A " + c.name() + " ")).count();
                    if (!lines.contains("-N " + c.name())) {
                        missing.add(f.program() + " " + table + " chain " + c.name());
                    } else if (rules != c.rules().size()) {
                        missing.add(f.program() + " " + table + " chain " + c.name() + " (" + rules + " of "
                                + c.rules().size() + " rules)");
                    }
                }
                for (FirewallPlan.Jump j : jumps) {
                    String rule = "-A " + j.chain() + " " + String.join(" ", j.spec());
                    if (!lines.contains(rule)) {
                        missing.add(f.program() + " " + table + " jump " + j.chain() + " -> " + j.target());
                    }
                }
            }
        }
        for (Step s : plan.installSteps()) {
            if (s.check() != null && s.check().program().equals("nft") && !succeeds(s.check())) {
                missing.add(s.description());
            }
        }
        return List.copyOf(missing);
    }

    /** Deletes every jump to our chains in a built-in chain, except those whose match + target is in {@code keep}. */
    private void removeJumps(Family f, String table, String chain, List<List<String>> keep, List<String> problems) {
        CommandRunner.Result listing = run(FirewallPlan.ipt(f, table, "-S", chain));
        if (!listing.isSuccess()) {
            if (!isAbsent(listing)) {   // a listing that failed otherwise (killed, locked) proves nothing
                problems.add("cannot list " + f.program() + " " + table + " " + chain + ": "
                        + listing.firstErrorLine());
            }
            return;
        }
        int removed = 0;
        for (String line : listing.stdout().split("\n")) {
            List<String> jump = FirewallPlan.ourJump(line);
            if (jump == null || !jump.get(0).equals(chain)) {
                continue;
            }
            List<String> spec = jump.subList(1, jump.size());
            if (keep.contains(spec)) {
                continue;
            }
            if (++removed > MAX_JUMPS_PER_CHAIN) {
                problems.add("too many jumps in " + f.program() + " " + table + " " + chain);
                return;
            }
            Command delete = FirewallPlan.ipt(f, table, List.of("-D", chain), spec);
            CommandRunner.Result r = run(delete);
            if (!r.isSuccess()) {
                problems.add(delete + ": " + r.firstErrorLine());
            }
        }
    }

    /**
     * True when a listing failed because there is nothing to list: the tool is not installed (exit 127), or the
     * table or chain does not exist (then nothing of ours can be in it).
     */
    static boolean isAbsent(CommandRunner.Result listing) {
        String why = listing.firstErrorLine().toLowerCase(java.util.Locale.ROOT);
        return listing.exitCode() == 127 || why.contains("does not exist") || why.contains("no chain");
    }

    /**
     * Packets our NFQUEUE rules have matched so far (IPv4 and IPv6 together), from the kernel's rule counters, or
     * -1 when they cannot be read. With FAIL_OPEN the kernel accepts packets of a full queue without telling the
     * queue's reader; this minus the packets the queue handed us is how many were bypassed.
     */
    public long queuedByRules() {
        long total = 0;
        for (FirewallPlan.Family f : FirewallPlan.Family.values()) {
            CommandRunner.Result r = run(Command.of(f.program(), "-w", "-t", "mangle", "-L", FirewallPlan.CHAIN,
                    "-v", "-x", "-n"));
            if (!r.isSuccess()) {
                return -1;
            }
            total += nfqueueRulePackets(r.stdout());
        }
        return total;
    }

    /** Sums the packet counters (first column) of the NFQUEUE rules in an {@code iptables -L -v -x -n} listing. */
    static long nfqueueRulePackets(String listing) {
        long total = 0;
        for (String line : listing.split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length > 2 && words[2].equals("NFQUEUE") && words[0].matches("[0-9]{1,19}")) {
                total += Long.parseLong(words[0]);
            }
        }
        return total;
    }

    /**
     * The state before the first install: read from {@link #baselineFile} when an earlier daemon left it (it died
     * without a clean stop, so what exists now includes what it created), else taken now and written there.
     */
    private Map<String, Set<String>> loadOrRecordBaseline() {
        if (baselineFile != null && Files.isRegularFile(baselineFile)) {
            try {
                Map<String, Set<String>> earlier = parseBaseline(Files.readString(baselineFile));
                log.info("firewall: using the state before the first start recorded by an earlier run in {}",
                        baselineFile);
                return earlier;
            } catch (IOException | RuntimeException e) {
                log.warn("firewall: cannot read {} ({}); taking the current tables as the state before", baselineFile,
                        e.getMessage());
            }
        }
        Map<String, Set<String>> now = nftTables();
        if (baselineFile != null) {
            try {
                Files.createDirectories(baselineFile.toAbsolutePath().getParent());
                Path tmp = baselineFile.resolveSibling(baselineFile.getFileName() + ".tmp");
                Files.writeString(tmp, formatBaseline(now), StandardCharsets.UTF_8);
                Files.move(tmp, baselineFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                log.warn("firewall: cannot record the state before the start in {} ({}); after a kill -9 the next "
                        + "clean stop may leave empty iptables-nft tables", baselineFile, e.getMessage());
            }
        }
        return now;
    }

    private void forgetBaseline() {
        if (baselineFile != null) {
            try {
                Files.deleteIfExists(baselineFile);
            } catch (IOException e) {
                log.warn("firewall: cannot delete {}: {}", baselineFile, e.getMessage());
            }
        }
    }

    /** One line per table that existed: {@code ip mangle: PREROUTING INPUT ...} (chain names have no spaces). */
    static String formatBaseline(Map<String, Set<String>> tables) {
        StringBuilder sb = new StringBuilder("# iptables-nft tables before btblocker's first start\n");
        tables.forEach((table, chains) -> sb.append(table).append(':').append(chains.isEmpty() ? "" : " ")
                .append(String.join(" ", chains)).append('\n'));
        return sb.toString();
    }

    static Map<String, Set<String>> parseBaseline(String text) {
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not a table line: " + line);
            }
            String rest = line.substring(colon + 1).strip();
            tables.put(line.substring(0, colon).strip(),
                    rest.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(rest.split("\\s+"))));
        }
        return tables;
    }

    /** The iptables-nft tables that exist now, with their chain names ({@code nft list table}; none with legacy). */
    private Map<String, Set<String>> nftTables() {
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        for (String[] t : NFT_IPTABLES_TABLES) {
            CommandRunner.Result r = run(Command.of("nft", "list", "table", t[0], t[1]));
            if (r.isSuccess()) {
                tables.put(t[0] + " " + t[1], NftTableListing.parse(r.stdout()).keySet());
            }
        }
        return tables;
    }

    /**
     * After our rules are gone: deletes the iptables-nft tables, and built-in chains in tables that did exist, that
     * were absent before {@link #install} and are now empty with policy accept, so a stop leaves the rule set as the
     * start found it. Only when this manager ran the install (it knows the state before).
     */
    private void removeEmptyNftTablesWeCreated(List<String> problems) {
        if (nftBaseline == null) {
            return;
        }
        for (String[] t : NFT_IPTABLES_TABLES) {
            String key = t[0] + " " + t[1];
            CommandRunner.Result r = run(Command.of("nft", "list", "table", t[0], t[1]));
            if (!r.isSuccess()) {
                continue;
            }
            Map<String, NftTableListing.Chain> now = NftTableListing.parse(r.stdout());
            Set<String> before = nftBaseline.get(key);
            List<Command> deletes = new ArrayList<>();
            if (before == null) {
                if (NftTableListing.onlyEmptyAcceptChains(r.stdout(), now)) {
                    deletes.add(Command.of("nft", "delete", "table", t[0], t[1]));
                }
            } else {
                for (Map.Entry<String, NftTableListing.Chain> c : now.entrySet()) {
                    if (!before.contains(c.getKey()) && c.getValue().emptyAccept()) {
                        deletes.add(Command.of("nft", "delete", "chain", t[0], t[1], c.getKey()));
                    }
                }
            }
            for (Command cmd : deletes) {
                CommandRunner.Result d = run(cmd);
                if (!d.isSuccess()) {
                    problems.add(cmd + ": " + d.firstErrorLine());
                }
            }
        }
    }

    /** Checks the prerequisites of these settings on this host; see {@link FirewallProbe}. */
    public static List<String> probe(FirewallSettings settings) {
        return FirewallProbe.probe(settings, FirewallProbe.Host.system());
    }

    /** What the operator should fix on this host but the daemon can run with (e.g. {@code rp_filter} off). */
    public static List<String> hostWarnings(FirewallSettings settings) {
        return FirewallProbe.warnings(settings, FirewallProbe.Host.system());
    }

    private boolean succeeds(Command c) {
        return run(c).isSuccess();
    }

    private CommandRunner.Result run(Command c) {
        try {
            CommandRunner.Result r = runner.run(c);
            log.debug("{} -> {}", c, r.exitCode());
            return r;
        } catch (IOException e) {
            return CommandRunner.Result.failed(127, c.program() + ": " + e.getMessage());
        }
    }
}
