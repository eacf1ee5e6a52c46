package org.btblocker.netfilter.firewall;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import org.btblocker.api.ban.Enforcement;

/**
 * The exact commands that install and remove btblocker's rules, computed from {@link FirewallSettings} alone (pure: no
 * I/O). {@link FirewallManager} runs them; {@link #print()} shows them.
 *
 * <h2>Where the rules go, and why</h2>
 * <pre>
 *  packet ─► mangle PREROUTING, first rule ─► BTBLOCKER_RPF                   (firewall.sourceCheck strict | loose)
 *               1 ctmark = clean                 → RETURN  (decided: one comparison)
 *               2 clear the unverified bit
 *               3 -i IFACE, rpfilter fails (source does not route back via IFACE) → set the unverified bit
 *         ─► [nft inet btblocker, prio -160: banned source? drop]          (nftables sinks only)
 *         ─► mangle FORWARD (prio -150), appended ─► BTBLOCKER_IF
 *               1 ctmark = clean                 → RETURN  (decided: one comparison, never queued again)
 *               2 -i IFACE / -o IFACE            → goto BTBLOCKER (once per packet, whichever interface matched)
 *            BTBLOCKER
 *               1 source in ban ipset            → DROP                    (ipset sinks only)
 *               2 ctmark = bittorrent            → DROP
 *               3 tcp/udp whitelisted port       → RETURN
 *               4 tcp                            → NFQUEUE --queue-num N | --queue-balance N:N+c-1, --queue-bypass
 *               5 udp                            → NFQUEUE the next c queues (queue.separateUdp), or the same
 *         ─► filter FORWARD (prio 0), first rule, packet mark (our bits) ≠ 0 ─► BTBLOCKER_SAVE
 *               1 marked clean, destination in ban ipset → RETURN  (never remember a banned host's flow as clean)
 *               2 CONNMARK --save-mark (our bits only)
 *               3 packet mark = bittorrent       → DROP
 * </pre>
 * <ul>
 *   <li><b>A decided flow costs one comparison</b>: the first rule of each chain a hook jumps to compares the
 *   connection mark (and the jump into the save chain is guarded by the packet mark), so the bulk of the traffic
 *   (flows already found clean, which are never queued again) passes each hook after one mark test. Bans still cut a
 *   banned host's connections that were found clean before: the ipset sink deletes their conntrack entries when it
 *   bans (see {@link ConnectionCut}), their next packets are undecided again and meet the ban drop, and the save
 *   chain never stores "clean" for a flow to a banned address (the other side's next packet is queued and found
 *   clean, which would otherwise let the banned side's packets skip the drop again).</li>
 *   <li><b>FORWARD</b>: a gateway forwards its clients' traffic, so that is where it is seen; both {@code -i} and
 *   {@code -o} of each configured interface select packets so both directions of a flow reach the engine, through
 *   one dispatch chain and a goto, so a packet between two configured interfaces is still inspected once. With
 *   {@code localTraffic} the host's own traffic is hooked too (mangle INPUT {@code -i}, mangle OUTPUT {@code -o}).
 *   PREROUTING is avoided for queueing: it would also see traffic addressed to the host itself.</li>
 *   <li><b>PREROUTING, only the source check</b>: the {@code rpfilter} match works in PREROUTING only, so a packet
 *   whose source does not route back through its input interface is marked there (a bit outside the connection
 *   mark bits) and the daemon reads the mark: see {@link SourceCheck}. Inserted first, so that an operator's
 *   ACCEPT earlier in PREROUTING cannot skip it.</li>
 *   <li><b>Separate UDP queues</b>: with FAIL_OPEN a full queue lets packets through uninspected; a UDP flood (a new
 *   flow in every datagram) fills its own queues, and TCP connections are still inspected in theirs.</li>
 *   <li><b>mangle, appended</b>: queueing runs after other users' mangle rules (e.g. TCPMSS clamping), because an
 *   NFQUEUE verdict resumes at the next hook entry and would skip the rest of the chain. Decided and whitelisted
 *   packets {@code RETURN} rather than {@code ACCEPT}, for the same reason.</li>
 *   <li><b>filter, inserted first</b>: an NFQUEUE ACCEPT verdict continues with the next table of the same hook
 *   (filter, priority 0), so the packet mark set in the verdict is copied to the connection there. This works for
 *   forwarded and local (INPUT) packets alike, where a POSTROUTING rule would miss INPUT; and it lets the daemon
 *   block a flow with ACCEPT + bittorrent mark: the connection is remembered, then the packet is dropped. Setting the
 *   connmark in the verdict itself is not available on every kernel. It is inserted first so that a common
 *   "ESTABLISHED,RELATED ACCEPT" rule cannot bypass it. Limit: a connection blocked at its very first packet
 *   leaves no conntrack entry (it is confirmed only when a packet gets through), so its next packet is queued and
 *   decided again; from the second packet on, the mark sticks (FirewallIT checks both marks on a real kernel).</li>
 *   <li><b>Several queues</b>: {@code --queue-balance} hashes the address pair symmetrically, so both directions of
 *   a flow reach the same queue (and the same engine).</li>
 *   <li><b>Marks</b>: only the bits of the configured mask are matched or saved.</li>
 *   <li><b>Sets</b> belong to the ban sinks, which create them when they open (before the rules are installed); the
 *   plan only matches them and never deletes them: they hold the bans, which expire on their own.</li>
 * </ul>
 */
public final class FirewallPlan {

    /** Our mangle chain: drop banned, skip decided and whitelisted, queue the rest. */
    public static final String CHAIN = "BTBLOCKER";
    /** Our filter chain: save the daemon's mark to the connection and drop BitTorrent-marked packets. */
    public static final String SAVE_CHAIN = "BTBLOCKER_SAVE";
    /** Our mangle PREROUTING chain: mark packets whose source fails the reverse-path check. */
    public static final String RPF_CHAIN = "BTBLOCKER_RPF";
    /** Our mangle chain that the hooks jump to: picks the packets of the configured interfaces for {@link #CHAIN}. */
    public static final String DISPATCH_CHAIN = "BTBLOCKER_IF";
    /**
     * Every chain of ours, for removal whatever the plan (settings may have changed since the install), in the
     * order they can be deleted: the dispatch chain refers to {@link #CHAIN}.
     */
    static final List<String[]> ALL_CHAINS = List.of(new String[] {"mangle", DISPATCH_CHAIN},
            new String[] {"mangle", CHAIN}, new String[] {"mangle", RPF_CHAIN}, new String[] {"filter", SAVE_CHAIN});
    /** Targets of the jumps from built-in chains that are ours (older layouts jumped to CHAIN directly). */
    static final List<String> JUMP_TARGETS = List.of(DISPATCH_CHAIN, CHAIN, SAVE_CHAIN, RPF_CHAIN);

    /** The nft chains (in our table) that drop banned sources; they run before iptables' mangle (-150). */
    static final int NFT_BAN_PRIORITY = -160;
    /** multiport takes at most 15 ports per rule. */
    static final int MULTIPORT_MAX = 15;

    /** An iptables family and its tool. */
    public enum Family {
        /** IPv4, {@code iptables}. */
        IPV4("iptables"),
        /** IPv6, {@code ip6tables}. */
        IPV6("ip6tables");

        private final String program;

        Family(String program) {
            this.program = program;
        }

        /** The command, {@code iptables} or {@code ip6tables}. */
        public String program() {
            return program;
        }
    }

    /**
     * A rule in a built-in chain that jumps to one of ours.
     *
     * @param family the family
     * @param table  {@code mangle} or {@code filter}
     * @param chain  the built-in chain, e.g. {@code FORWARD}
     * @param match  match arguments before {@code -j}, e.g. {@code -i eth0}
     * @param target our chain
     * @param insert insert as the first rule (true) or append (false)
     */
    record Jump(Family family, String table, String chain, List<String> match, String target, boolean insert) {
        List<String> spec() {
            List<String> s = new ArrayList<>(match);
            s.add("-j");
            s.add(target);
            return s;
        }
    }

    /** A chain of ours in one table, with its rules (arguments after {@code -A CHAIN}). */
    record OwnChain(Family family, String table, String name, List<List<String>> rules) { }

    private final FirewallSettings settings;
    private final List<Step> setSteps;
    private final List<String> setScript;
    private final List<OwnChain> chains;
    private final List<Jump> jumps;

    private FirewallPlan(FirewallSettings settings) {
        this.settings = settings;
        this.setSteps = new ArrayList<>();
        this.setScript = new ArrayList<>();
        this.chains = new ArrayList<>();
        this.jumps = new ArrayList<>();
        planSets();
        for (Family f : Family.values()) {
            planFamily(f);
        }
    }

    /** The plan for these settings. */
    public static FirewallPlan of(FirewallSettings settings) {
        return new FirewallPlan(settings);
    }

    /** The settings this plan was made from. */
    public FirewallSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- ban drops

    /**
     * The drop chains for nftables sinks: in each sink's own table (the sink created it with its sets), chains hooked
     * before iptables' mangle that drop banned sources. An ipset sink needs no step here: its drop is a rule of our
     * mangle chain. The printed script also lists the sets the sinks create, for operators who install by hand.
     */
    private void planSets() {
        for (Enforcement.IpsetMatch m : settings.ipsetMatches()) {
            // timeout 0 enables per-entry timeouts with "forever" as the default; the sink always passes one.
            setScript.add("ipset create " + m.set4() + " hash:ip family inet timeout 0 -exist");
            setScript.add("ipset create " + m.set6() + " hash:ip family inet6 timeout 0 -exist");
        }
        for (Enforcement.NftSetMatch m : settings.nftMatches()) {
            String table = "inet " + m.table();
            setScript.add("nft add table " + table);
            setScript.add("nft 'add set " + table + " " + m.set4() + " { type ipv4_addr ; flags timeout ; }'");
            setScript.add("nft 'add set " + table + " " + m.set6() + " { type ipv6_addr ; flags timeout ; }'");
            nftChain(m, "ban_forward", "forward", List.of("iifname", "oifname"));
            if (settings.localTraffic()) {
                nftChain(m, "ban_input", "input", List.of("iifname"));
            }
        }
    }

    private void nftChain(Enforcement.NftSetMatch m, String name, String hook, List<String> directions) {
        String chain = "inet " + m.table() + " " + name;
        String add = "add chain " + chain + " { type filter hook " + hook + " priority " + NFT_BAN_PRIORITY
                + " ; policy accept ; }";
        setSteps.add(new Step("nftables chain " + name + " in table " + m.table(),
                Command.of("nft", "list", "chain", "inet", m.table(), name),
                nft(add), List.of(nft("delete chain " + chain)), true));
        setScript.add("nft '" + add + "'");
        setSteps.add(Step.always("flush nftables chain " + name, nft("flush chain " + chain)));
        setScript.add("nft 'flush chain " + chain + "'");
        String ifaces = settings.interfaces().stream().map(i -> "\"" + i + "\"")
                .collect(Collectors.joining(", ", "{ ", " }"));
        for (String dir : directions) {
            for (String[] fam : new String[][] {{"ip", m.set4()}, {"ip6", m.set6()}}) {
                String rule = "add rule " + chain + " " + dir + " " + ifaces + " " + fam[0] + " saddr @" + fam[1]
                        + " drop";
                setSteps.add(Step.always("nftables rule in " + name, nft(rule)));
                setScript.add("nft '" + rule.replace("'", "'\\''") + "'");
            }
        }
    }

    private static Command nft(String line) {
        return Command.of("nft", line);
    }

    // ---------------------------------------------------------------- iptables / ip6tables

    private void planFamily(Family f) {
        Marks m = settings.marks();
        List<List<String>> rules = new ArrayList<>();
        for (Enforcement.IpsetMatch ban : settings.ipsetMatches()) {
            String set = f == Family.IPV4 ? ban.set4() : ban.set6();
            rules.add(List.of("-m", "set", "--match-set", set, "src", "-j", "DROP"));
        }
        rules.add(List.of("-m", "connmark", "--mark", m.bittorrentMatch(), "-j", "DROP"));
        List<Integer> ports = settings.distinctPorts();
        for (String proto : List.of("tcp", "udp")) {
            for (int i = 0; i < ports.size(); i += MULTIPORT_MAX) {
                String list = ports.subList(i, Math.min(ports.size(), i + MULTIPORT_MAX)).stream()
                        .map(String::valueOf).collect(Collectors.joining(","));
                rules.add(List.of("-p", proto, "-m", "multiport", "--ports", list, "-j", "RETURN"));
            }
        }
        rules.add(queueRule("tcp", settings.queueNum()));
        rules.add(queueRule("udp", settings.firstUdpQueue()));
        chains.add(new OwnChain(f, "mangle", CHAIN, List.copyOf(rules)));

        // A decided flow (clean) costs one comparison, the first rule of each chain a hook jumps to, and nothing
        // else of ours. Not a guard on the jump itself ("-m connmark ! --mark"): the connmark match is false for a
        // packet without a connection (NOTRACK), inverted or not, so such packets would never be inspected.
        List<String> decided = List.of("-m", "connmark", "--mark", m.cleanMatch(), "-j", "RETURN");

        // One pass per packet whatever the interfaces: -g (goto) returns to the built-in chain after BTBLOCKER,
        // so a packet that came in on one configured interface and leaves on another is inspected once.
        List<List<String>> dispatch = new ArrayList<>();
        dispatch.add(decided);
        for (String iface : settings.interfaces()) {
            dispatch.add(List.of("-i", iface, "-g", CHAIN));
            dispatch.add(List.of("-o", iface, "-g", CHAIN));
        }
        chains.add(new OwnChain(f, "mangle", DISPATCH_CHAIN, List.copyOf(dispatch)));

        SourceCheck check = settings.sourceCheck();
        if (check.isOn()) {
            String bit = Marks.hex(check.mark());
            List<List<String>> rpf = new ArrayList<>();
            rpf.add(decided);
            rpf.add(List.of("-j", "MARK", "--set-xmark", "0x0/" + bit));
            for (String iface : settings.interfaces()) {
                List<String> rule = new ArrayList<>(List.of("-i", iface, "-m", "rpfilter"));
                if (check.mode() == SourceCheck.Mode.LOOSE) {
                    rule.add("--loose");
                }
                rule.addAll(List.of("--invert", "-j", "MARK", "--set-xmark", bit + "/" + bit));
                rpf.add(List.copyOf(rule));
            }
            chains.add(new OwnChain(f, "mangle", RPF_CHAIN, List.copyOf(rpf)));
            jumps.add(new Jump(f, "mangle", "PREROUTING", List.of(), RPF_CHAIN, true));
        }

        String mask = Marks.hex(m.mask());
        List<List<String>> save = new ArrayList<>();
        for (Enforcement.IpsetMatch ban : settings.ipsetMatches()) {
            // A flow to a banned host is never remembered as clean: its banned side's packets must keep meeting the
            // drop (the connection a ban cut is picked up again by the other side's next packet, found clean).
            String set = f == Family.IPV4 ? ban.set4() : ban.set6();
            save.add(List.of("-m", "mark", "--mark", m.cleanMatch(), "-m", "set", "--match-set", set, "dst", "-j",
                    "RETURN"));
        }
        save.add(List.of("-j", "CONNMARK", "--save-mark", "--nfmask", mask, "--ctmask", mask));
        save.add(List.of("-m", "mark", "--mark", m.bittorrentMatch(), "-j", "DROP"));
        chains.add(new OwnChain(f, "filter", SAVE_CHAIN, List.copyOf(save)));

        jumps.add(new Jump(f, "mangle", "FORWARD", List.of(), DISPATCH_CHAIN, false));
        if (settings.localTraffic()) {
            jumps.add(new Jump(f, "mangle", "INPUT", List.of(), DISPATCH_CHAIN, false));
            jumps.add(new Jump(f, "mangle", "OUTPUT", List.of(), DISPATCH_CHAIN, false));
        }
        // Only packets the daemon marked (a verdict's mark) enter the save chain: one packet-mark comparison for
        // every other packet, no conntrack write.
        List<String> marked = List.of("-m", "mark", "!", "--mark", "0x0/" + mask);
        jumps.add(new Jump(f, "filter", "FORWARD", marked, SAVE_CHAIN, true));
        if (settings.localTraffic()) {
            jumps.add(new Jump(f, "filter", "INPUT", marked, SAVE_CHAIN, true));
            jumps.add(new Jump(f, "filter", "OUTPUT", marked, SAVE_CHAIN, true));
        }
    }

    private List<String> queueRule(String proto, int first) {
        List<String> r = new ArrayList<>(List.of("-p", proto, "-j", "NFQUEUE"));
        if (settings.queueCount() > 1) {
            r.add("--queue-balance");
            r.add(first + ":" + (first + settings.queueCount() - 1));
        } else {
            r.add("--queue-num");
            r.add(String.valueOf(first));
        }
        r.add("--queue-bypass");
        return List.copyOf(r);
    }

    static Command ipt(Family f, String table, String... args) {
        List<String> argv = new ArrayList<>(List.of(f.program(), "-w", "-t", table));
        Collections.addAll(argv, args);
        return new Command(argv);
    }

    static Command ipt(Family f, String table, List<String> head, List<String> rest) {
        List<String> argv = new ArrayList<>(List.of(f.program(), "-w", "-t", table));
        argv.addAll(head);
        argv.addAll(rest);
        return new Command(argv);
    }

    // ---------------------------------------------------------------- results

    /**
     * The install steps in order: ban sets (and nft chains), then for IPv4 and IPv6 our chains with their rules, and
     * last the jumps into them, so traffic only enters complete chains.
     */
    public List<Step> installSteps() {
        List<Step> steps = new ArrayList<>(setSteps);
        for (Family f : Family.values()) {
            for (OwnChain c : chains) {
                if (c.family() != f) {
                    continue;
                }
                String where = " (" + f.program() + " " + c.table() + ")";
                steps.add(new Step("chain " + c.name() + where, ipt(f, c.table(), "-n", "-L", c.name()),
                        ipt(f, c.table(), "-N", c.name()),
                        List.of(ipt(f, c.table(), "-F", c.name()), ipt(f, c.table(), "-X", c.name())), true));
                steps.add(Step.always("flush chain " + c.name() + where, ipt(f, c.table(), "-F", c.name())));
                String what = c.name().equals(RPF_CHAIN) ? "reverse-path check rule in " + c.name() + where
                        + "; it needs the kernel's rpfilter match (or set btblocker.firewall.sourceCheck = off)"
                        : "rule in " + c.name() + where;
                for (List<String> rule : c.rules()) {
                    steps.add(Step.always(what, ipt(f, c.table(), List.of("-A", c.name()), rule)));
                }
            }
            for (Jump j : jumps) {
                if (j.family() != f) {
                    continue;
                }
                List<String> head = j.insert() ? List.of("-I", j.chain(), "1") : List.of("-A", j.chain());
                steps.add(new Step("jump " + j.chain() + " -> " + j.target() + " (" + f.program() + " " + j.table()
                        + ")", ipt(f, j.table(), List.of("-C", j.chain()), j.spec()),
                        ipt(f, j.table(), head, j.spec()),
                        List.of(ipt(f, j.table(), List.of("-D", j.chain()), j.spec())), true));
            }
        }
        return List.copyOf(steps);
    }

    /**
     * The removal commands for exactly this plan, in order: jumps, then our chains (flush, delete), then the nft ban
     * chains. Ban sets and the nft table are kept. {@link FirewallManager#remove} additionally finds jumps left by
     * other settings.
     */
    public List<Command> removeCommands() {
        List<Command> out = new ArrayList<>();
        for (Family f : Family.values()) {
            for (Jump j : jumps) {
                if (j.family() == f) {
                    out.add(ipt(f, j.table(), List.of("-D", j.chain()), j.spec()));
                }
            }
            for (OwnChain c : chains) {
                if (c.family() == f) {
                    out.add(ipt(f, c.table(), "-F", c.name()));
                }
            }
            for (int i = chains.size() - 1; i >= 0; i--) {     // a chain goes after the ones that refer to it
                OwnChain c = chains.get(i);
                if (c.family() == f) {
                    out.add(ipt(f, c.table(), "-X", c.name()));
                }
            }
        }
        for (Step s : setSteps) {
            if (s.undoIfPresent()) {
                out.addAll(s.undo());
            }
        }
        return List.copyOf(out);
    }

    /**
     * A rule of an {@code iptables -S} listing that jumps from a chain not ours to one of ours: its words after
     * {@code -A} (the chain, the match, {@code -j TARGET}); null for any other line.
     */
    static List<String> ourJump(String line) {
        List<String> w = List.of(line.trim().split("\\s+"));
        if (w.size() < 4 || !w.get(0).equals("-A") || !w.get(w.size() - 2).equals("-j")
                || !JUMP_TARGETS.contains(w.get(w.size() - 1)) || JUMP_TARGETS.contains(w.get(1))) {
            return null;
        }
        return w.subList(1, w.size());
    }

    /** The ban-set steps (nft drop chains of nftables sinks), without the iptables ones. */
    List<Step> setSteps() {
        return List.copyOf(setSteps);
    }

    /**
     * {@code iptables-restore --noflush} input that turns what {@code listing} ({@code iptables -t TABLE -S}) shows
     * into this plan for one family and table, in one transaction: our chains declared (created, or flushed when they
     * exist) and filled, jumps of ours that the plan does not have deleted, chains of ours it no longer has flushed and
     * deleted, and missing jumps added. Traffic never sees a half-filled chain.
     */
    String restoreScript(Family f, String table, String listing) {
        java.util.Set<String> existing = new java.util.LinkedHashSet<>();
        List<String> presentJumps = new ArrayList<>();
        for (String line : listing.split("\n")) {
            List<String> w = List.of(line.trim().split("\\s+"));
            List<String> jump = ourJump(line);
            if (w.size() == 2 && w.get(0).equals("-N")) {
                existing.add(w.get(1));
            } else if (jump != null) {
                presentJumps.add(String.join(" ", jump));
            }
        }
        List<OwnChain> mine = chains.stream().filter(c -> c.family() == f && c.table().equals(table)).toList();
        List<Jump> wanted = jumps.stream().filter(j -> j.family() == f && j.table().equals(table)).toList();
        List<String> wantedJumps = wanted.stream().map(j -> j.chain() + " " + words(j.spec())).toList();
        List<String> stale = new ArrayList<>();
        for (String[] c : ALL_CHAINS) {
            if (c[0].equals(table) && existing.contains(c[1]) && mine.stream().noneMatch(o -> o.name().equals(c[1]))) {
                stale.add(c[1]);
            }
        }
        var sb = new StringBuilder("*").append(table).append('\n');
        for (OwnChain c : mine) {
            sb.append(':').append(c.name()).append(" - [0:0]\n");
        }
        for (String c : stale) {
            sb.append(':').append(c).append(" - [0:0]\n");
        }
        for (String j : presentJumps) {
            if (!wantedJumps.contains(j)) {
                sb.append("-D ").append(j).append('\n');
            }
        }
        for (OwnChain c : mine) {
            for (List<String> rule : c.rules()) {
                sb.append("-A ").append(c.name()).append(' ').append(words(rule)).append('\n');
            }
        }
        for (String c : stale) {
            sb.append("-X ").append(c).append('\n');
        }
        for (int i = 0; i < wanted.size(); i++) {
            if (!presentJumps.contains(wantedJumps.get(i))) {
                Jump j = wanted.get(i);
                sb.append(j.insert() ? "-I " + j.chain() + " 1 " : "-A " + j.chain() + " ").append(words(j.spec()))
                        .append('\n');
            }
        }
        return sb.append("COMMIT\n").toString();
    }

    /** Our chains, per family and table. */
    List<OwnChain> chains() {
        return List.copyOf(chains);
    }

    /** The jumps into our chains. */
    List<Jump> jumps() {
        return List.copyOf(jumps);
    }

    /**
     * For removal: our nft ban chains (check = exists, undo = delete) in the tables of this plan's nftables sinks,
     * both hooks whatever {@code localTraffic} is now, so a changed setting still removes them.
     */
    List<Step> nftChainCleanup() {
        List<Step> out = new ArrayList<>();
        for (Enforcement.NftSetMatch m : settings.nftMatches()) {
            for (String chain : List.of("ban_forward", "ban_input")) {
                Command delete = nft("delete chain inet " + m.table() + " " + chain);
                out.add(new Step("nftables chain " + chain, Command.of("nft", "list", "chain", "inet", m.table(),
                        chain), delete, List.of(delete), true));
            }
        }
        return out;
    }

    /**
     * The rules as text: ipset or nft commands for the ban sets, then {@code iptables-restore --noflush} and
     * {@code ip6tables-restore --noflush} input.
     */
    public String print() {
        var sb = new StringBuilder();
        sb.append("# btblocker firewall: interfaces ").append(String.join(", ", settings.interfaces()))
                .append('\n');
        if (!setScript.isEmpty()) {
            sb.append("# ban sets (the daemon's sinks create them; kept on removal: they hold the bans) and drop "
                    + "chains\n");
            for (String line : setScript) {
                sb.append(line).append('\n');
            }
        }
        for (Family f : Family.values()) {
            sb.append("# ").append(f.program()).append("-restore --noflush\n");
            for (String table : List.of("mangle", "filter")) {
                sb.append('*').append(table).append('\n');
                for (OwnChain c : chains) {
                    if (c.family() == f && c.table().equals(table)) {
                        sb.append(':').append(c.name()).append(" - [0:0]\n");
                    }
                }
                for (OwnChain c : chains) {
                    if (c.family() == f && c.table().equals(table)) {
                        for (List<String> rule : c.rules()) {
                            sb.append("-A ").append(c.name()).append(' ').append(words(rule)).append('\n');
                        }
                    }
                }
                for (Jump j : jumps) {
                    if (j.family() == f && j.table().equals(table)) {
                        sb.append(j.insert() ? "-I " + j.chain() + " 1 " : "-A " + j.chain() + " ")
                                .append(words(j.spec())).append('\n');
                    }
                }
                sb.append("COMMIT\n");
            }
        }
        return sb.toString();
    }

    /** Arguments as iptables-restore reads them: words split at spaces, double quotes around one that has any. */
    private static String words(List<String> args) {
        return args.stream().map(a -> a.isEmpty() || a.chars().anyMatch(Character::isWhitespace)
                ? "\"" + a.replace("\"", "\\\"") + "\"" : a).collect(Collectors.joining(" "));
    }
}
