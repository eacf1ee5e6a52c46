package org.btblocker.packaging;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

/**
 * Debian's nix-instantiate, used on nix/ without nixpkgs: parse checks and evaluations of the files in nix/tests/
 * against the stub lib. Evaluation uses the {@code dummy://} store, so nothing is written to /nix and no build
 * user is needed.
 */
final class Nix {

    static final String NIX_INSTANTIATE = "nix-instantiate";

    private Nix() {
    }

    static boolean isAvailable() {
        return Cmd.onPath(NIX_INSTANTIATE);
    }

    static Cmd.Result instantiate(List<String> args) {
        List<String> argv = new ArrayList<>(List.of(NIX_INSTANTIATE, "--store", "dummy://"));
        argv.addAll(args);
        return Cmd.run(argv, Map.of("NIX_CONFIG", "build-users-group =", "HOME", System.getProperty("java.io.tmpdir")),
            Duration.ofMinutes(2));
    }

    static Cmd.Result parse(Path file) {
        return instantiate(List.of("--parse", file.toString()));
    }

    /** {@code --eval --strict --json FILE} with {@code --arg NAME EXPR} pairs; the result or the failure. */
    static Cmd.Result eval(Path file, String... args) {
        List<String> a = new ArrayList<>(List.of("--eval", "--strict", "--json", file.toString()));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.addAll(List.of("--arg", args[i], args[i + 1]));
        }
        return instantiate(a);
    }

    /** nix/tests/eval.nix for one host configuration (a Nix attribute set); the parsed JSON result. */
    static Map<String, Object> evalModule(String host) {
        return json(eval(Project.root().resolve("nix/tests/eval.nix"), "host", host).ok());
    }

    /** The evaluation error of nix/tests/eval.nix for a host the module must refuse. */
    static String evalModuleError(String host) {
        Cmd.Result r = eval(Project.root().resolve("nix/tests/eval.nix"), "host", host);
        if (r.exit() == 0) {
            throw new AssertionError("the module accepted " + host + ":\n" + r.out());
        }
        return r.err().replaceAll("\\s+", " ");
    }

    /** A JSON object as nested maps and lists (typesafe-config's JSON parser; keys stay literal, dots included). */
    static Map<String, Object> json(String text) {
        return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root()
            .unwrapped();
    }

    /** {@code map.a.b.c} for path "a", "b", "c". */
    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, String... path) {
        Object v = map;
        for (String key : path) {
            if (!(v instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new AssertionError("no " + String.join(".", path) + " in " + map);
            }
            v = m.get(key);
        }
        return (T) v;
    }
}
