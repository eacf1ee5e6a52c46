package org.btblocker.netfilter.firewall;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A scripted stand-in for iptables/ip6tables/ipset/nft: keeps chains, rules, sets and nft chains in memory and answers
 * the command forms {@link FirewallPlan} uses the way the real tools do (exit 1 when a chain is missing, in use, ...).
 */
final class FakeFirewall implements CommandRunner {

    private final Map<String, List<String>> chains = new TreeMap<>();
    private final TreeSet<String> builtins = new TreeSet<>();
    private final TreeSet<String> ipsets = new TreeSet<>();
    private final TreeSet<String> nftObjects = new TreeSet<>();
    private final Map<String, List<String>> nftChains = new TreeMap<>();
    final List<Command> log = new ArrayList<>();
    Predicate<Command> failWhen = c -> false;

    FakeFirewall() {
        for (String prog : List.of("iptables", "ip6tables")) {
            for (String chain : List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")) {
                chains.put(key(prog, "mangle", chain), new ArrayList<>());
                builtins.add(key(prog, "mangle", chain));
            }
            for (String chain : List.of("INPUT", "FORWARD", "OUTPUT")) {
                chains.put(key(prog, "filter", chain), new ArrayList<>());
                builtins.add(key(prog, "filter", chain));
            }
        }
    }

    private static String key(String prog, String table, String chain) {
        return prog + " " + table + " " + chain;
    }

    /** Adds a rule as another user of the firewall would. */
    FakeFirewall foreignRule(String prog, String table, String chain, String rule) {
        chains.get(key(prog, table, chain)).add(rule);
        return this;
    }

    FakeFirewall ipset(String name) {
        ipsets.add(name);
        return this;
    }

    /** An nftables table of family inet with two sets, as the nftables ban sink creates it. */
    FakeFirewall nftTable(String table, String set4, String set6) {
        nftObjects.add("table inet " + table);
        nftObjects.add("set inet " + table + " " + set4);
        nftObjects.add("set inet " + table + " " + set6);
        return this;
    }

    FakeFirewall chain(String prog, String table, String chain, String... rules) {
        chains.put(key(prog, table, chain), new ArrayList<>(List.of(rules)));
        return this;
    }

    /** Everything, in a stable order, for before/after comparisons. */
    String snapshot() {
        var sb = new StringBuilder();
        chains.forEach((k, rules) -> sb.append(k).append(": ").append(rules).append('\n'));
        sb.append("ipsets ").append(ipsets).append('\n');
        sb.append("nft ").append(nftObjects).append('\n');
        nftChains.forEach((k, rules) -> sb.append("nft chain ").append(k).append(": ").append(rules).append('\n'));
        return sb.toString();
    }

    List<String> rules(String prog, String table, String chain) {
        return chains.get(key(prog, table, chain));
    }

    @Override
    public Result run(Command c) {
        log.add(c);
        if (failWhen.test(c)) {
            return Result.failed(4, "scripted failure");
        }
        List<String> a = c.argv();
        return switch (c.program()) {
            case "iptables", "ip6tables" -> iptables(a);
            case "ipset" -> ipsetCmd(a);
            case "nft" -> nft(a);
            default -> Result.failed(127, "unknown program");
        };
    }

    private Result iptables(List<String> a) {
        String prog = a.get(0);
        if (!a.get(1).equals("-w") || !a.get(2).equals("-t")) {
            return Result.failed(2, "unexpected form " + a);
        }
        String table = a.get(3);
        int i = 4;
        if (a.get(i).equals("-n")) {
            i++;
        }
        String op = a.get(i);
        String chain = a.get(i + 1);
        String k = key(prog, table, chain);
        List<String> rules = chains.get(k);
        String rest = String.join(" ", a.subList(Math.min(a.size(), i + 2), a.size()));
        switch (op) {
            case "-L" -> {
                return rules == null ? Result.failed(1, "No chain/target/match by that name.") : Result.ok("");
            }
            case "-S" -> {
                if (rules == null) {
                    return Result.failed(1, "No chain/target/match by that name.");
                }
                var sb = new StringBuilder(builtins.contains(k) ? "-P " + chain + " ACCEPT\n" : "-N " + chain + "\n");
                rules.forEach(r -> sb.append("-A ").append(chain).append(' ').append(r).append('\n'));
                return Result.ok(sb.toString());
            }
            case "-N" -> {
                if (rules != null) {
                    return Result.failed(1, "Chain already exists.");
                }
                chains.put(k, new ArrayList<>());
                return Result.ok("");
            }
            case "-X" -> {
                if (rules == null || builtins.contains(k)) {
                    return Result.failed(1, "No chain/target/match by that name.");
                }
                if (!rules.isEmpty() || referenced(prog, table, chain)) {
                    return Result.failed(1, "Directory not empty / too many links");
                }
                chains.remove(k);
                return Result.ok("");
            }
            case "-F" -> {
                if (rules == null) {
                    return Result.failed(1, "No chain/target/match by that name.");
                }
                rules.clear();
                return Result.ok("");
            }
            case "-A", "-I", "-C", "-D" -> {
                if (rules == null) {
                    return Result.failed(1, "No chain/target/match by that name.");
                }
                if (op.equals("-I")) {
                    rest = String.join(" ", a.subList(i + 3, a.size()));   // position 1 only
                }
                String target = rest.substring(rest.lastIndexOf(' ') + 1);
                if (target.startsWith("BTBLOCKER") && !chains.containsKey(key(prog, table, target))) {
                    return Result.failed(2, "Couldn't load target `" + target + "'");
                }
                switch (op) {
                    case "-A" -> rules.add(rest);
                    case "-I" -> rules.add(0, rest);
                    case "-C" -> {
                        return rules.contains(rest) ? Result.ok("") : Result.failed(1, "Bad rule");
                    }
                    default -> {
                        if (!rules.remove(rest)) {
                            return Result.failed(1, "Bad rule (does a matching rule exist in that chain?).");
                        }
                    }
                }
                return Result.ok("");
            }
            default -> {
                return Result.failed(2, "unknown option " + op);
            }
        }
    }

    private boolean referenced(String prog, String table, String chain) {
        String prefix = prog + " " + table + " ";
        return chains.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .anyMatch(e -> e.getValue().stream().anyMatch(r -> r.endsWith("-j " + chain)));
    }

    private Result ipsetCmd(List<String> a) {
        String op = a.get(1);
        String name = op.equals("list") ? a.get(3) : a.get(2);
        return switch (op) {
            case "list" -> ipsets.contains(name) ? Result.ok(name + "\n") : Result.failed(1, "does not exist");
            case "create" -> ipsets.add(name) ? Result.ok("") : Result.failed(1, "already exists");
            case "destroy" -> ipsets.remove(name) ? Result.ok("") : Result.failed(1, "does not exist");
            default -> Result.failed(2, "unknown");
        };
    }

    private Result nft(List<String> a) {
        List<String> w = a.size() == 2 ? List.of(a.get(1).split(" ")) : a.subList(1, a.size());
        String verb = w.get(0);
        String kind = w.get(1);
        String name = String.join(" ", w.subList(2, kind.equals("table") ? 4 : 5));
        String obj = kind + " " + name;
        String table = "table " + w.get(2) + " " + w.get(3);
        switch (verb) {
            case "list" -> {
                return nftObjects.contains(obj) ? Result.ok("") : Result.failed(1, "No such file or directory");
            }
            case "add" -> {
                if (kind.equals("rule")) {
                    String chain = "chain " + name;
                    if (!nftChains.containsKey(chain)) {
                        return Result.failed(1, "No such file or directory");
                    }
                    nftChains.get(chain).add(String.join(" ", w.subList(5, w.size())));
                    return Result.ok("");
                }
                if (!kind.equals("table") && !nftObjects.contains(table)) {
                    return Result.failed(1, "No such file or directory");
                }
                nftObjects.add(obj);
                if (kind.equals("chain")) {
                    nftChains.putIfAbsent(obj, new ArrayList<>());
                }
                return Result.ok("");
            }
            case "flush" -> {
                if (!nftChains.containsKey(obj)) {
                    return Result.failed(1, "No such file or directory");
                }
                nftChains.get(obj).clear();
                return Result.ok("");
            }
            case "delete" -> {
                if (!nftObjects.remove(obj)) {
                    return Result.failed(1, "No such file or directory");
                }
                nftChains.remove(obj);
                if (kind.equals("table")) {
                    nftObjects.removeIf(o -> o.split(" ").length > 3 && ("table " + o.split(" ")[1] + " "
                            + o.split(" ")[2]).equals(obj));
                }
                return Result.ok("");
            }
            default -> {
                return Result.failed(2, "unknown");
            }
        }
    }

    /** Chains by key, for assertions. */
    Map<String, List<String>> chains() {
        return new LinkedHashMap<>(chains);
    }
}
