# services.btblocker: the BitTorrent blocker on a NixOS gateway.
#
#   imports = [ /path/to/btblocker/nix/module.nix ];
#   services.btblocker = { enable = true; interfaces = [ "eth0" ]; };
#
# The options up to `whitelistPorts` and `extraConfig` are the seed guide's (NIXOS_DEPLOYMENT.md), with its names,
# types and defaults. The configuration is written as JSON (valid HOCON) to /etc/btblocker/btblocker.conf under a
# top-level `btblocker` object; `btblocker check-config --config FILE` reads it the way the daemon does.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf types literalExpression optional optionals optionalAttrs;

  cfg = config.services.btblocker;
  json = pkgs.formats.json { };

  # systemd copies the LoadCredential files here, readable only by the service; the daemon reads them by path.
  credentials = "/run/credentials/btblocker.service";

  # Keys of the btblocker block that have an option of their own here: settings and extraConfig may not set them
  # too (one place per value, or `nixos-option` would show one value while the daemon used another).
  ownKeys = [
    "queueNum" "entropyThreshold" "minPayloadSize" "ipsetName" "banDuration" "interfaces" "whitelistPorts"
    "metrics" "stateDirectory" "runtimeDirectory"
  ];
  # The crowdsec sink's keys with an option here; its others (caFile, scenario, origin, pullOrigins, ...) are set
  # through settings.crowdsec and merged under the options' values.
  ownCrowdsecKeys = [ "url" "machineId" "passwordFile" "pull" "bouncerKeyFile" ];
  clashes = name:
    let
      block = cfg.${name};
      crowdsecBlock = block.crowdsec or { };
    in
    lib.intersectLists ownKeys (lib.attrNames block)
    ++ (if builtins.isAttrs crowdsecBlock
      then map (k: "crowdsec.${k}") (lib.intersectLists ownCrowdsecKeys (lib.attrNames crowdsecBlock))
      else [ "crowdsec" ]);

  settings = lib.recursiveUpdate cfg.settings cfg.extraConfig;

  # The sinks the daemon will use: `banSinks` (a list) or the seed's `banSink` alias; ipset when neither is set.
  # crowdsec.enable adds the crowdsec sink: its block alone would configure a sink the daemon never opens.
  chosenSinks = settings.banSinks or [ (settings.banSink or "ipset") ];
  banSinks = chosenSinks ++ optional (cfg.crowdsec.enable && !lib.elem "crowdsec" chosenSinks) "crowdsec";
  # iptables' `-m set` match (the ipset sink's drop rule) resolves the set name over a raw IP socket
  # (getsockopt SO_IP_SET), so iptables needs CAP_NET_RAW for it, the nft-based variant included. Nothing else does.
  capabilities = [ "CAP_NET_ADMIN" ] ++ optional (lib.elem "ipset" banSinks) "CAP_NET_RAW";

  crowdsec = lib.filterAttrs (_: v: v != null) {
    inherit (cfg.crowdsec) url machineId pull;
    passwordFile = if cfg.crowdsec.passwordFile == null then null else "${credentials}/crowdsec-password";
    bouncerKeyFile = if cfg.crowdsec.bouncerKeyFile == null then null else "${credentials}/crowdsec-bouncer-key";
  };

  btblocker = lib.recursiveUpdate settings ({
    inherit (cfg) queueNum entropyThreshold minPayloadSize ipsetName banDuration interfaces whitelistPorts;
    stateDirectory = "/var/lib/btblocker";
    runtimeDirectory = "/run/btblocker";
    metrics = {
      enabled = cfg.metrics.enable;
      inherit (cfg.metrics) address port;
    };
  } // optionalAttrs cfg.crowdsec.enable { inherit crowdsec banSinks; });

  configText = builtins.toJSON { inherit btblocker; };
  configFile = pkgs.writeText "btblocker.conf" configText;

  loopback = address: address == "localhost" || address == "::1" || lib.hasPrefix "127." address;
in
{
  options.services.btblocker = {
    enable = mkEnableOption "the BitTorrent blocker (NFQUEUE inspection, offenders banned in an ipset)";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = literalExpression "pkgs.callPackage ./nix/package.nix { }";
      description = "The btblocker package; its bin/btblocker runs the daemon.";
    };

    queueNum = mkOption {
      type = types.int;
      default = 0;
      description = "Netfilter queue number to use (NFQUEUE --queue-num).";
    };

    entropyThreshold = mkOption {
      type = types.float;
      default = 7.6;
      description = "Entropy threshold (bits per byte, bias-corrected) for encrypted traffic detection.";
    };

    minPayloadSize = mkOption {
      type = types.int;
      default = 60;
      description = "Minimum payload size for entropy analysis (bytes).";
    };

    ipsetName = mkOption {
      type = types.str;
      default = "torrent_block";
      description = "Name of the ipset for banned IPv4 addresses; IPv6 ones go to the same name with 6 appended.";
    };

    banDuration = mkOption {
      type = types.str;
      default = "18000";
      description = "Ban duration in seconds (\"18000\" = 5 hours), or a duration such as \"5h\".";
    };

    interfaces = mkOption {
      type = types.listOf types.str;
      default = [ "eth0" ];
      description = "Network interfaces whose forwarded traffic is inspected.";
    };

    whitelistPorts = mkOption {
      type = types.listOf types.port;
      default = [ 22 53 80 443 853 5222 5269 ];
      description = "Ports never blocked: flows with either port here are not inspected.";
    };

    extraConfig = mkOption {
      type = json.type;
      default = { };
      example = { logLevel = "info"; logFormat = "json"; };
      description = ''
        More keys of the `btblocker` block, passed through as given (the seed's `logLevel` and `logFormat`, or any
        other key of reference.conf). Merged over `settings`.
      '';
    };

    settings = mkOption {
      type = json.type;
      default = { };
      example = { queue.count = 2; ban.minEvidence = 5; banSinks = [ "ipset" ]; };
      description = ''
        Freeform keys of the `btblocker` block, nested as in reference.conf (`btblocker detectors` and the README
        list them). Keys that have an option here (queueNum, ..., metrics, crowdsec.url, ...) are set through the
        option; the crowdsec sink's other keys (caFile, scenario, pullOrigins, ...) go in settings.crowdsec.
      '';
    };

    metrics = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Serve Prometheus metrics at http://ADDRESS:PORT/metrics (the daemon's default: on, loopback).";
      };
      address = mkOption {
        type = types.str;
        default = "127.0.0.1";
        description = "Address the metrics endpoint listens on.";
      };
      port = mkOption {
        type = types.port;
        default = 9842;
        description = "TCP port of the metrics endpoint.";
      };
      openFirewall = mkOption {
        type = types.bool;
        default = false;
        description = "Open the metrics port in networking.firewall (iptables or nftables backend).";
      };
    };

    crowdsec = {
      enable = mkEnableOption "sharing bans with a CrowdSec local API (push detections, pull decisions)";
      url = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "http://127.0.0.1:8080";
        description = "CrowdSec local API URL.";
      };
      machineId = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "Machine id that pushes this host's detections (with passwordFile).";
      };
      passwordFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        example = "/run/secrets/crowdsec-machine-password";
        description = ''
          File holding the machine's password. Read by systemd (LoadCredential), never copied to the Nix store.
        '';
      };
      pull = mkOption {
        type = types.bool;
        default = false;
        description = "Also ban the addresses CrowdSec decided on (needs bouncerKeyFile).";
      };
      bouncerKeyFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        description = "File holding the bouncer API key used to pull decisions. Passed by LoadCredential.";
      };
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.interfaces != [ ];
        message = "services.btblocker.interfaces is empty: name the interfaces whose forwarded traffic to inspect.";
      }
      {
        assertion = cfg.queueNum >= 0 && cfg.queueNum <= 65535;
        message = "services.btblocker.queueNum must be 0..65535 (an NFQUEUE number), got ${toString cfg.queueNum}.";
      }
      {
        assertion = cfg.entropyThreshold > 0.0 && cfg.entropyThreshold <= 8.0;
        message = "services.btblocker.entropyThreshold is in bits per byte: it must be in (0, 8], got ${toString cfg.entropyThreshold}.";
      }
      {
        assertion = cfg.minPayloadSize >= 0;
        message = "services.btblocker.minPayloadSize must not be negative, got ${toString cfg.minPayloadSize}.";
      }
      {
        # IPSET_MAXNAMELEN is 32 with the NUL, and the IPv6 set appends "6"
        assertion = builtins.stringLength cfg.ipsetName >= 1 && builtins.stringLength cfg.ipsetName <= 30;
        message = "services.btblocker.ipsetName must have 1 to 30 characters (the IPv6 set adds \"6\"; ipset allows 31), got \"${cfg.ipsetName}\".";
      }
      {
        assertion = builtins.match "[0-9]+|[0-9]+ *[a-z]+" cfg.banDuration != null;
        message = "services.btblocker.banDuration must be seconds (\"18000\") or a duration (\"5h\"), got \"${cfg.banDuration}\".";
      }
      {
        assertion = clashes "settings" == [ ];
        message = "services.btblocker.settings sets ${lib.concatStringsSep ", " (clashes "settings")}: use the option services.btblocker.<name> instead.";
      }
      {
        assertion = clashes "extraConfig" == [ ];
        message = "services.btblocker.extraConfig sets ${lib.concatStringsSep ", " (clashes "extraConfig")}: use the option services.btblocker.<name> instead.";
      }
      {
        assertion = !cfg.metrics.openFirewall || (cfg.metrics.enable && !loopback cfg.metrics.address);
        message = "services.btblocker.metrics.openFirewall opens port ${toString cfg.metrics.port}, but the endpoint ${if cfg.metrics.enable then "listens on ${cfg.metrics.address} only" else "is off"}: set metrics.enable = true and metrics.address = \"0.0.0.0\" (or \"::\").";
      }
      {
        assertion = !cfg.crowdsec.enable || cfg.crowdsec.url != null;
        message = "services.btblocker.crowdsec.enable needs crowdsec.url (the local API, e.g. \"http://127.0.0.1:8080\").";
      }
      {
        assertion = !cfg.crowdsec.enable || (cfg.crowdsec.machineId == null) == (cfg.crowdsec.passwordFile == null);
        message = "services.btblocker.crowdsec.machineId and crowdsec.passwordFile go together: set both to push detections, or neither.";
      }
      {
        assertion = !cfg.crowdsec.enable || !cfg.crowdsec.pull || cfg.crowdsec.bouncerKeyFile != null;
        message = "services.btblocker.crowdsec.pull needs crowdsec.bouncerKeyFile (the bouncer API key).";
      }
      {
        assertion = !cfg.crowdsec.enable || cfg.crowdsec.machineId != null || cfg.crowdsec.pull;
        message = "services.btblocker.crowdsec is enabled but does nothing: set machineId + passwordFile (push) or pull + bouncerKeyFile.";
      }
    ];

    # Loaded at boot because the service runs with ProtectKernelModules (no CAP_SYS_MODULE, no /lib/modules).
    # xt_multiport: the whitelist rule; the daemon's startup probe asks for it too.
    boot.kernelModules = [
      "nfnetlink_queue" "xt_NFQUEUE" "ip_set" "ip_set_hash_ip" "xt_set" "xt_connmark" "xt_multiport" "nf_conntrack"
    ];

    environment.etc."btblocker/btblocker.conf".source = configFile;
    environment.systemPackages = [ cfg.package ];

    networking.firewall.allowedTCPPorts = optional cfg.metrics.openFirewall cfg.metrics.port;

    systemd.services.btblocker = {
      description = "btblocker: BitTorrent blocker (NFQUEUE)";
      documentation = [ "file:${cfg.package}/share/doc/btblocker/operator.md" ];
      wantedBy = [ "multi-user.target" ];
      # Our chains live beside the host firewall's: start after it, and start again when it is restarted (a
      # flushed ruleset would otherwise leave the queue unreached until our next start).
      after = [ "network.target" ]
        ++ optional config.networking.firewall.enable "firewall.service"
        ++ optional config.networking.nftables.enable "nftables.service";
      partOf = optional config.networking.firewall.enable "firewall.service"
        ++ optional config.networking.nftables.enable "nftables.service";
      # iptables (the nft-based variant on current NixOS) and ipset are called to install and remove our rules;
      # conntrack (conntrack-tools) cuts a banned host's open connections.
      path = [ pkgs.iptables pkgs.ipset pkgs.conntrack-tools ] ++ optional (lib.elem "nftables" banSinks) pkgs.nftables;
      # A new configuration is read on SIGHUP (flows and bans kept); a new package needs a restart.
      reloadTriggers = [ configFile ];
      restartTriggers = [ cfg.package ];

      serviceConfig = {
        Type = "notify";
        ExecStart = "${cfg.package}/bin/btblocker run --config /etc/btblocker/btblocker.conf";
        ExecReload = "kill -HUP $MAINPID";
        WatchdogSec = "30s";
        Restart = "on-failure";
        RestartSec = "5s";
        TimeoutStopSec = "30s";
        # SIGTERM to the daemon only: it runs iptables to remove its rules, and systemd's default (control-group)
        # also kills the commands started in those first moments, which would leave rules behind.
        KillMode = "mixed";
        LoadCredential = optional (cfg.crowdsec.enable && cfg.crowdsec.passwordFile != null)
            "crowdsec-password:${toString cfg.crowdsec.passwordFile}"
          ++ optional (cfg.crowdsec.enable && cfg.crowdsec.bouncerKeyFile != null)
            "crowdsec-bouncer-key:${toString cfg.crowdsec.bouncerKeyFile}";

        DynamicUser = true;
        StateDirectory = "btblocker";
        RuntimeDirectory = "btblocker";
        AmbientCapabilities = capabilities;
        CapabilityBoundingSet = capabilities;
        NoNewPrivileges = true;
        ProtectSystem = "strict";
        ProtectHome = true;
        # jffi unpacks its native library into java.io.tmpdir and maps it executable: /tmp must not be noexec.
        PrivateTmp = true;
        PrivateDevices = true;
        ProtectKernelModules = true;
        ProtectKernelTunables = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        RestrictAddressFamilies = [ "AF_NETLINK" "AF_UNIX" "AF_INET" "AF_INET6" ];
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        SystemCallArchitectures = "native";
        SystemCallFilter = [ "@system-service" ];
        SystemCallErrorNumber = "EPERM";
        UMask = "0077";
        # Never MemoryDenyWriteExecute: the JIT maps writable+executable code. CPUQuota/MemoryMax are left to
        # the host: systemd.services.btblocker.serviceConfig = { CPUQuota = "50%"; MemoryMax = "512M"; };
      };
    };
  };
}
