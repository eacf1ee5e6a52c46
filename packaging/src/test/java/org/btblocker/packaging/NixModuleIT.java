package org.btblocker.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;

/**
 * What can be checked of nix/ without nixpkgs, with Debian's nix-instantiate: every file parses; the module,
 * evaluated against the stub lib (nix/tests/lib.nix), declares exactly the seed's options with the seed's types and
 * defaults, refuses wrong values, and renders the seed's examples into configuration files that
 * {@code btblocker check-config} accepts; package.nix and the VM test evaluate too.
 */
class NixModuleIT {

    /** The seed's option table (NIXOS_DEPLOYMENT.md, "services.btblocker Options"): name, type, default (JSON). */
    static final List<List<String>> SEED_TABLE = List.of(
        List.of("enable", "bool", "false"),
        List.of("queueNum", "int", "0"),
        List.of("entropyThreshold", "float", "7.6"),
        List.of("minPayloadSize", "int", "60"),
        List.of("ipsetName", "string", "\"torrent_block\""),
        List.of("banDuration", "string", "\"18000\""),
        List.of("interfaces", "list", "[\"eth0\"]"),
        List.of("whitelistPorts", "list", "[22, 53, 80, 443, 853, 5222, 5269]"));

    /** The seed's types as nixpkgs types (the stub's type names); lists name their element type. */
    static final Map<String, String> SEED_TYPE_TO_NIX = Map.of("bool", "bool", "int", "int", "float", "float",
        "string", "str");
    static final Map<String, String> LIST_ELEMENT = Map.of("interfaces", "str", "whitelistPorts", "port");

    /** Options beyond the seed's table: what operators need (issue 10). */
    static final Set<String> EXTRA_OPTIONS = Set.of("package", "extraConfig", "settings", "metrics.enable",
        "metrics.address", "metrics.port", "metrics.openFirewall", "crowdsec.enable", "crowdsec.url",
        "crowdsec.machineId", "crowdsec.passwordFile", "crowdsec.pull", "crowdsec.bouncerKeyFile");

    static final String ENABLED = "{ services.btblocker.enable = true; }";

    @BeforeAll
    static void needsNix() {
        assumeTrue(Nix.isAvailable(), "nix checks skipped: nix-instantiate is not installed (Debian: apt-get install"
            + " nix-bin; .ci/run installs it)");
    }

    @Test
    void everyNixFileParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Project.root())) {
            files = s.filter(p -> p.toString().endsWith(".nix"))
                .filter(p -> !Project.root().relativize(p).toString().matches("(.*/)?(target|\\.git)/.*"))
                .sorted().toList();
        }
        assertThat(files.stream().map(p -> Project.root().relativize(p).toString()))
            .contains("default.nix", "flake.nix", "nix/module.nix", "nix/package.nix", "nix/tests/e2e.nix",
                "nix/tests/lib.nix", "nix/tests/eval.nix");
        for (Path f : files) {
            Nix.parse(f).ok();
        }
    }

    @Test
    void optionsAreTheSeedsWithItsTypesAndDefaults() throws IOException {
        Map<String, Object> options = Nix.at(Nix.evalModule("{ }"), "options");

        Set<String> expected = new TreeSet<>(EXTRA_OPTIONS);
        SEED_TABLE.forEach(row -> expected.add(row.get(0)));
        assertThat(new TreeSet<>(options.keySet())).as("declared options").isEqualTo(expected);

        for (List<String> row : SEED_TABLE) {
            String name = row.get(0);
            Map<String, Object> option = Nix.at(options, name);
            if (row.get(1).equals("list")) {
                assertThat(option.get("typeName")).as(name).isEqualTo("listOf");
                assertThat(option.get("elemType")).as(name + " elements").isEqualTo(LIST_ELEMENT.get(name));
            } else {
                assertThat(option.get("typeName")).as(name).isEqualTo(SEED_TYPE_TO_NIX.get(row.get(1)));
            }
            assertThat(option.get("default")).as(name + " default").isEqualTo(jsonValue(row.get(2)));
        }
        // the additions keep the daemon's own defaults
        assertThat(Nix.<Object>at(options, "metrics.enable", "default")).isEqualTo(true);
        assertThat(Nix.<Object>at(options, "metrics.address", "default")).isEqualTo("127.0.0.1");
        assertThat(Nix.<Object>at(options, "metrics.port", "default")).isEqualTo(9842);
        assertThat(Nix.<Object>at(options, "metrics.openFirewall", "default")).isEqualTo(false);
        assertThat(Nix.<Object>at(options, "crowdsec.enable", "default")).isEqualTo(false);
    }

    @Test
    void theTableAboveIsTheSeedsTable() throws IOException {
        assumeTrue(Files.isRegularFile(Project.seed()), "the seed guide is not at " + Project.seed());
        String seed = Files.readString(Project.seed());
        int start = seed.indexOf("### services.btblocker Options");
        assertThat(start).as("the option table in the seed").isNotNegative();
        String section = seed.substring(start, seed.indexOf("\n###", start + 1));
        Matcher row = Pattern.compile("^\\| `(\\w+)` \\| (\\w+) \\| ([^|]+) \\|", Pattern.MULTILINE).matcher(section);
        List<List<String>> parsed = new ArrayList<>();
        while (row.find()) {
            parsed.add(List.of(row.group(1), row.group(2), row.group(3).strip()));
        }
        assertThat(parsed).isEqualTo(SEED_TABLE);
    }

    @Test
    void wrongValuesAreRefusedWithTheOptionNamed() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{ services.btblocker = { enable = true; queueNum = \"1\"; }; }",
            "The option `services.btblocker.queueNum' has a wrong type: expected signed integer, got string");
        refused.put("{ services.btblocker = { enable = true; entropyThreshold = 7; }; }",
            "`services.btblocker.entropyThreshold' has a wrong type: expected floating point number, got int 7");
        refused.put("{ services.btblocker = { enable = true; whitelistPorts = [ 22 65536 ]; }; }",
            "`services.btblocker.whitelistPorts' has a wrong type: expected list of 16 bit unsigned integer");
        refused.put("{ services.btblocker = { enable = true; interfaces = \"eth0\"; }; }",
            "`services.btblocker.interfaces' has a wrong type: expected list of string");
        refused.put("{ services.btblocker = { enable = true; metrics.port = 99999; }; }",
            "`services.btblocker.metrics.port' has a wrong type");
        refused.put("{ services.btblocker = { enable = true; queueNumber = 1; }; }",
            "The option `services.btblocker.queueNumber' does not exist.");
        refused.put("{ services.btblocker = { enable = true; interfaces = [ ]; }; }",
            "Failed assertions: - services.btblocker.interfaces is empty");
        refused.put("{ services.btblocker = { enable = true; settings.queueNum = 2; }; }",
            "services.btblocker.settings sets queueNum: use the option services.btblocker.<name> instead.");
        refused.put("{ services.btblocker = { enable = true; extraConfig.metrics.port = 1; }; }",
            "services.btblocker.extraConfig sets metrics");
        refused.put("{ services.btblocker = { enable = true; settings.crowdsec.url = \"http://10.0.0.1:8080\"; }; }",
            "services.btblocker.settings sets crowdsec.url: use the option");
        refused.put("{ services.btblocker = { enable = true; ipsetName = \"a_name_that_is_too_long_for_ipset\"; }; }",
            "services.btblocker.ipsetName must have 1 to 30 characters");
        refused.put("{ services.btblocker = { enable = true; banDuration = \"soon\"; }; }",
            "services.btblocker.banDuration must be seconds (\"18000\") or a duration (\"5h\"), got \"soon\"");
        refused.put("{ services.btblocker = { enable = true; entropyThreshold = 9.5; }; }",
            "services.btblocker.entropyThreshold is in bits per byte");
        refused.put("{ services.btblocker = { enable = true; metrics.openFirewall = true; }; }",
            "metrics.openFirewall opens port 9842, but the endpoint listens on 127.0.0.1 only");
        refused.put("{ services.btblocker = { enable = true; crowdsec.enable = true; crowdsec.pull = true; }; }",
            "services.btblocker.crowdsec.enable needs crowdsec.url");
        refused.put("{ services.btblocker = { enable = true; crowdsec = { enable = true;"
            + " url = \"http://127.0.0.1:8080\"; machineId = \"gw\"; }; }; }",
            "crowdsec.machineId and crowdsec.passwordFile go together");
        refused.put("{ services.btblocker = { enable = true; crowdsec = { enable = true;"
            + " url = \"http://127.0.0.1:8080\"; pull = true; }; }; }", "crowdsec.pull needs crowdsec.bouncerKeyFile");
        refused.put("{ services.btblocker = { enable = true; crowdsec.passwordFile = \"relative/pw\"; }; }",
            "`services.btblocker.crowdsec.passwordFile' has a wrong type: expected null or path");
        refused.forEach((host, message) -> assertThat(Nix.evalModuleError(host)).as(host).contains(message));

        // a disabled service asserts nothing and sets nothing, whatever else is set
        Map<String, Object> off = Nix.evalModule("{ services.btblocker = { interfaces = [ ]; }; }");
        assertThat(Nix.<Map<String, Object>>at(off, "config")).isEmpty();
    }

    @Test
    void theSeedsExamplesRenderToConfigurationsCheckConfigAccepts() throws IOException {
        assumeTrue(Files.isRegularFile(Project.seed()), "the seed guide is not at " + Project.seed());
        String seed = Files.readString(Project.seed());

        String quickStart = nixBlockAfter(seed, "### 1. Add the NixOS Module");
        Map<String, Object> quick = render("let m = (" + quickStart + ") { config = { }; pkgs = { }; }; in"
            + " { services = m.services; }");
        assertThat(quick).containsEntry("queueNum", 0).containsEntry("entropyThreshold", 7.6)
            .containsEntry("ipsetName", "torrent_block").containsEntry("banDuration", "18000")
            .containsEntry("interfaces", List.of("eth0"));
        // the seed loads two kernel modules by hand; the module loads them (and the rest) itself
        assertThat(Nix.<List<Object>>at(Nix.evalModule(ENABLED), "config", "boot", "kernelModules"))
            .contains("nfnetlink_queue", "xt_NFQUEUE", "ip_set", "ip_set_hash_ip", "xt_set", "xt_connmark",
                "nf_conntrack");

        Map<String, Object> custom = render("{ " + nixBlockAfter(seed, "### Example: Custom Configuration") + " }");
        // builtins.toJSON writes 7.0 as 7: the daemon reads either as the double 7.0
        assertThat(((Number) custom.get("entropyThreshold")).doubleValue()).isEqualTo(7.0);
        assertThat(custom).containsEntry("queueNum", 1)
            .containsEntry("interfaces", List.of("eth0", "eth1", "wlan0")).containsEntry("banDuration", "86400")
            .containsEntry("whitelistPorts", List.of(22, 53, 80, 443, 853, 3000, 8080));

        Map<String, Object> tuning = render("{ " + nixBlockAfter(seed, "## Performance Tuning") + " }");
        assertThat(tuning).containsEntry("entropyThreshold", 7.8).containsEntry("minPayloadSize", 100)
            .containsEntry("queueNum", 0);

        Map<String, Object> logging = render("{ services.btblocker.enable = true; "
            + nixBlockAfter(seed, "### 3. Logging") + " }");
        assertThat(logging).containsEntry("logLevel", "info").containsEntry("logFormat", "json");
    }

    @Test
    void everyKeyTheModuleWritesIsOneTheDaemonReadsAndItsDefaultsAreTheDaemons() {
        // check-config takes any key, so a misspelt one would pass it: compare with the daemon's own keys
        Config everything = ConfigFactory.parseString(renderedText("{ services.btblocker = { enable = true;"
            + " metrics = { address = \"0.0.0.0\"; port = 9100; openFirewall = true; }; crowdsec = { enable = true;"
            + " url = \"http://127.0.0.1:8080\"; machineId = \"gw\"; passwordFile = \"/run/secrets/pw\"; pull = true;"
            + " bouncerKeyFile = \"/run/secrets/key\"; }; }; }"));
        Map<String, ConfigValue> daemon = DaemonKeys.defaults();
        Set<String> written = DaemonKeys.leaves(everything.getConfig("btblocker")).keySet();
        assertThat(written).as("keys the module's options write").contains("queueNum", "interfaces",
            "stateDirectory", "runtimeDirectory", "metrics.port", "crowdsec.url", "crowdsec.bouncerKeyFile");
        assertThat(written.stream().filter(k -> !daemon.containsKey(k) && !DaemonKeys.isPending(k)))
            .as("written keys the daemon does not read").isEmpty();

        // with every option at its default, the module writes the daemon's defaults
        Config defaults = ConfigFactory.parseString(renderedText(ENABLED));
        DaemonKeys.leaves(defaults.getConfig("btblocker")).forEach((key, value) -> {
            if (!DaemonKeys.isPending(key)) {
                assertThat(value.unwrapped()).as("the module's default of btblocker." + key)
                    .isEqualTo(daemon.get(key).unwrapped());
            }
        });
    }

    @Test
    void settingsAndExtraConfigReachTheDaemonAndBadValuesFailItsCheck() {
        Map<String, Object> btblocker = render("{ services.btblocker = { enable = true; settings = { queue.count = 2;"
            + " ban.minEvidence = 5; monitorOnly = true; }; extraConfig = { logLevel = \"debug\"; }; }; }");
        assertThat(Nix.<Object>at(btblocker, "queue", "count")).isEqualTo(2);
        assertThat(Nix.<Object>at(btblocker, "ban", "minEvidence")).isEqualTo(5);
        assertThat(btblocker).containsEntry("monitorOnly", true).containsEntry("logLevel", "debug");

        // check-config reads the rendered file for real: a value the daemon refuses fails it, naming the key
        String text = Nix.<String>at(Nix.evalModule("{ services.btblocker = { enable = true;"
            + " extraConfig.logFormat = \"xml\"; }; }"), "files", "btblocker/btblocker.conf");
        Cmd.Result bad = Project.btblocker("check-config", "--config", Project.tempFile("bad.conf", text).toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("btblocker.logFormat");
    }

    @Test
    void theUnitIsHardenedAndCarriesOnlyTheCapabilitiesTheSinkNeeds() {
        Map<String, Object> service = Nix.at(Nix.evalModule(ENABLED), "config", "systemd", "services", "btblocker");
        Map<String, Object> unit = Nix.at(service, "serviceConfig");
        assertThat(unit).containsEntry("Type", "notify").containsEntry("ExecReload", "kill -HUP $MAINPID")
            .containsEntry("Restart", "on-failure").containsEntry("StateDirectory", "btblocker")
            .containsEntry("RuntimeDirectory", "btblocker").containsEntry("NoNewPrivileges", true)
            .containsEntry("ProtectSystem", "strict").containsEntry("ProtectHome", true)
            .containsEntry("PrivateTmp", true).containsEntry("ProtectKernelModules", true)
            .containsEntry("SystemCallFilter", List.of("@system-service"))
            .containsEntry("RestrictAddressFamilies", List.of("AF_NETLINK", "AF_UNIX", "AF_INET", "AF_INET6"))
            .containsKey("WatchdogSec").doesNotContainKey("MemoryDenyWriteExecute");
        assertThat(Nix.<String>at(unit, "ExecStart"))
            .endsWith("/bin/btblocker run --config /etc/btblocker/btblocker.conf");
        // ipset sink (default): iptables' `-m set` needs CAP_NET_RAW (IptablesCapabilitiesIT shows why)
        assertThat(unit).containsEntry("CapabilityBoundingSet", List.of("CAP_NET_ADMIN", "CAP_NET_RAW"))
            .containsEntry("AmbientCapabilities", List.of("CAP_NET_ADMIN", "CAP_NET_RAW"));

        Map<String, Object> nft = Nix.at(Nix.evalModule("{ services.btblocker = { enable = true;"
            + " settings.banSinks = [ \"nftables\" ]; }; networking.nftables.enable = true; }"),
            "config", "systemd", "services", "btblocker");
        assertThat(Nix.<Map<String, Object>>at(nft, "serviceConfig"))
            .containsEntry("CapabilityBoundingSet", List.of("CAP_NET_ADMIN"));
        assertThat(Nix.<List<Object>>at(nft, "path")).anyMatch(p -> p.toString().endsWith("-nftables"));
        assertThat(Nix.<List<Object>>at(nft, "after")).contains("nftables.service");
        assertThat(Nix.<List<Object>>at(nft, "partOf")).contains("nftables.service");
    }

    @Test
    void crowdsecSecretsArePassedAsCredentialsNeverWrittenIntoTheConfig() {
        Map<String, Object> eval = Nix.evalModule("{ services.btblocker = { enable = true; crowdsec = { enable = true;"
            + " url = \"https://127.0.0.1:8443\"; machineId = \"gw1\"; passwordFile = \"/run/secrets/cs-pw\";"
            + " pull = true; bouncerKeyFile = \"/run/secrets/cs-key\"; };"
            + " settings.crowdsec.caFile = \"/etc/ssl/lapi-ca.pem\"; }; }");
        assertThat(Nix.<List<Object>>at(eval, "config", "systemd", "services", "btblocker", "serviceConfig",
            "LoadCredential")).containsExactly("crowdsec-password:/run/secrets/cs-pw",
                "crowdsec-bouncer-key:/run/secrets/cs-key");
        String text = Nix.at(eval, "files", "btblocker/btblocker.conf");
        assertThat(text).doesNotContain("/run/secrets");
        assertThat(checkConfig(text)).contains("banSinks [ipset, crowdsec]");
        // crowdsec.enable selects the sink, beside the ipset the gateway drops with
        assertThat(Nix.<List<Object>>at(Nix.json(text), "btblocker", "banSinks")).containsExactly("ipset", "crowdsec");
        assertThat(Nix.<List<Object>>at(Nix.json(Nix.at(Nix.evalModule("{ services.btblocker = { enable = true;"
            + " settings.banSinks = [ \"nftables\" ]; crowdsec = { enable = true; url = \"http://127.0.0.1:8080\";"
            + " pull = true; bouncerKeyFile = \"/run/secrets/cs-key\"; }; }; }"), "files", "btblocker/btblocker.conf")),
            "btblocker", "banSinks")).containsExactly("nftables", "crowdsec");
        Map<String, Object> crowdsec = Nix.at(Nix.json(text), "btblocker", "crowdsec");
        // the sink's keys without an option of their own come from settings.crowdsec, beside the options'
        assertThat(crowdsec).containsEntry("caFile", "/etc/ssl/lapi-ca.pem")
            .containsEntry("url", "https://127.0.0.1:8443").containsEntry("machineId", "gw1")
            .containsEntry("pull", true)
            .containsEntry("passwordFile", "/run/credentials/btblocker.service/crowdsec-password")
            .containsEntry("bouncerKeyFile", "/run/credentials/btblocker.service/crowdsec-bouncer-key");
    }

    @Test
    void metricsOpenFirewallOpensThePortOnlyWhenAsked() {
        assertThat(Nix.<List<Object>>at(Nix.evalModule(ENABLED), "config", "networking", "firewall",
            "allowedTCPPorts")).isEmpty();
        Map<String, Object> open = Nix.evalModule("{ services.btblocker = { enable = true; metrics = {"
            + " address = \"0.0.0.0\"; port = 9100; openFirewall = true; }; }; }");
        assertThat(Nix.<List<Object>>at(open, "config", "networking", "firewall", "allowedTCPPorts"))
            .containsExactly(9100);
        assertThat(Nix.<Map<String, Object>>at(Nix.json(Nix.at(open, "files", "btblocker/btblocker.conf")),
            "btblocker", "metrics")).isEqualTo(Map.of("enabled", true, "address", "0.0.0.0", "port", 9100));
    }

    @Test
    void thePackageAndTheVmTestEvaluate() {
        Map<String, Object> pkg = Nix.json(Nix.eval(Project.root().resolve("nix/tests/eval-package.nix")).ok());
        assertThat(pkg).containsEntry("pname", "btblocker").containsEntry("doCheck", false).containsKey("mvnHash");
        assertThat(Nix.<String>at(pkg, "mvnParameters")).contains("-pl btblocker-app -am");
        assertThat(Nix.<String>at(pkg, "installPhase")).contains("makeWrapper")
            .contains("/bin/java $out/bin/btblocker").contains("org.btblocker.app.Main");
        assertThat(Nix.<String>at(pkg, "meta", "mainProgram")).isEqualTo("btblocker");

        Map<String, Object> e2e = Nix.json(Nix.eval(Project.root().resolve("nix/tests/eval-e2e.nix")).ok());
        assertThat(Nix.<List<Object>>at(e2e, "nodeNames")).containsExactly("client", "gateway", "server");
        String script = Nix.at(e2e, "testScript");
        assertThat(script).contains("ipset test torrent_block 192.168.1.2").contains("systemctl stop btblocker");
        if (Cmd.onPath("python3")) {
            Path py = Project.tempFile("testScript.py", script);
            Cmd.run(List.of("python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", py.toString()))
                .ok();
        }
        String gatewayConf = Nix.at(e2e, "gatewayFiles", "btblocker/btblocker.conf");
        assertThat(checkConfig(gatewayConf)).contains("configuration OK");
    }

    /** Evaluates the module for {@code host}, runs check-config on the file it writes; the btblocker block. */
    private static Map<String, Object> render(String host) {
        Map<String, Object> root = Nix.json(renderedText(host));
        assertThat(root).as("one top-level btblocker object").containsOnlyKeys("btblocker");
        return Nix.at(root, "btblocker");
    }

    /** The configuration file the module writes for {@code host}, once check-config has accepted it. */
    private static String renderedText(String host) {
        String text = Nix.at(Nix.evalModule(host), "files", "btblocker/btblocker.conf");
        assertThat(checkConfig(text)).as("check-config of the rendering of " + host).contains("configuration OK");
        return text;
    }

    private static String checkConfig(String text) {
        Path conf = Project.tempFile("btblocker.conf", text);
        return Project.btblocker("check-config", "--config", conf.toString()).ok();
    }

    /** The first ```nix block after {@code heading} in the seed. */
    private static String nixBlockAfter(String seed, String heading) {
        int at = seed.indexOf(heading);
        assertThat(at).as("heading " + heading + " in the seed").isNotNegative();
        int start = seed.indexOf("```nix\n", at) + "```nix\n".length();
        return seed.substring(start, seed.indexOf("```", start));
    }

    private static Object jsonValue(String json) {
        return Nix.json("{\"v\": " + json + "}").get("v");
    }
}
