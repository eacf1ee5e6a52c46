# The seed's end-to-end test in three NixOS VMs: client -- gateway (services.btblocker) -- server.
#
#   nix-build nix/tests/e2e.nix          (or nix-build -A test, or nix flake check)
#
# `btblocker run` inspects forwarded traffic, so the client and the server sit on two VLANs and the gateway routes
# between them. The client sends the seed's BitTorrent handshake to the server's port 6881; the test asserts that
# the server reads none of it, that the gateway's ipset holds the client with about banDuration left, that plain
# HTTP through the gateway kept working before the ban, and that `systemctl stop` removes every rule of ours.
# Needs a NixOS machine with KVM; it has never run where this repository is developed (see nix/README.md).
{ pkgs ? import <nixpkgs> { } }:

let
  clientAddr = "192.168.1.2";
  serverAddr = "192.168.2.2";

  # The seed guide's handshake, as it gives it: 0x13, "BitTorrent protocol", 8 reserved bytes, info hash, peer id.
  handshake = pkgs.writeText "handshake.py" ''
    import socket

    handshake = bytearray([19]) + b'BitTorrent protocol' + b'\x00'*8
    handshake += b'12345678901234567890' + b'-TEST00-123456789012'

    sock = socket.socket()
    sock.settimeout(5)
    sock.connect(('${serverAddr}', 6881))
    sock.send(handshake)
    sock.close()
  '';

  # Accepts one connection on 6881 and writes how many bytes arrived before the peer went away (or 5 s passed).
  sink = pkgs.writeText "sink.py" ''
    import socket

    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('0.0.0.0', 6881))
    srv.listen(1)
    conn, _ = srv.accept()
    conn.settimeout(5)
    got = 0
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            got += len(data)
    except socket.timeout:
        pass
    with open('/tmp/sink-read', 'w') as f:
        f.write(str(got))
  '';
in
pkgs.testers.runNixOSTest {
  name = "btblocker-e2e";

  nodes = {
    client = { pkgs, ... }: {
      virtualisation.vlans = [ 1 ];
      networking.interfaces.eth1.ipv4.addresses = [{ address = clientAddr; prefixLength = 24; }];
      networking.interfaces.eth1.ipv4.routes = [{ address = "192.168.2.0"; prefixLength = 24; via = "192.168.1.1"; }];
      networking.firewall.enable = false;
      environment.systemPackages = [ pkgs.python3 pkgs.curl ];
    };

    gateway = { pkgs, ... }: {
      imports = [ ../module.nix ];
      virtualisation.vlans = [ 1 2 ];
      networking.interfaces.eth1.ipv4.addresses = [{ address = "192.168.1.1"; prefixLength = 24; }];
      networking.interfaces.eth2.ipv4.addresses = [{ address = "192.168.2.1"; prefixLength = 24; }];
      boot.kernel.sysctl."net.ipv4.ip_forward" = 1;
      networking.firewall.enable = true;
      environment.systemPackages = [ pkgs.ipset pkgs.iptables pkgs.conntrack-tools ];
      services.btblocker = {
        enable = true;
        interfaces = [ "eth1" "eth2" ];
        banDuration = "600";
        extraConfig = { logLevel = "info"; logFormat = "text"; };
      };
    };

    server = { pkgs, ... }: {
      virtualisation.vlans = [ 2 ];
      networking.interfaces.eth1.ipv4.addresses = [{ address = serverAddr; prefixLength = 24; }];
      networking.interfaces.eth1.ipv4.routes = [{ address = "192.168.1.0"; prefixLength = 24; via = "192.168.2.1"; }];
      networking.firewall.allowedTCPPorts = [ 6881 8080 ];
      environment.systemPackages = [ pkgs.python3 ];
    };
  };

  testScript = ''
    start_all()
    gateway.wait_for_unit("btblocker.service")
    gateway.wait_until_succeeds("iptables-save -t mangle | grep -q BTBLOCKER")
    server.wait_for_unit("multi-user.target")
    client.wait_for_unit("multi-user.target")

    with subtest("plain HTTP through the gateway is inspected and passes"):
        server.succeed("mkdir -p /srv/www && echo hello > /srv/www/index.html")
        server.succeed("systemd-run --unit=http ${pkgs.python3}/bin/python3 -m http.server 8080 --directory /srv/www")
        server.wait_for_open_port(8080)
        assert client.succeed("curl -sf --max-time 10 http://${serverAddr}:8080/index.html").strip() == "hello"

    with subtest("the seed's handshake bans the client and never reaches the server"):
        server.succeed("systemd-run --unit=sink ${pkgs.python3}/bin/python3 ${sink}")
        server.wait_for_open_port(6881)
        client.succeed("${pkgs.python3}/bin/python3 ${handshake}")
        gateway.wait_until_succeeds("ipset test torrent_block ${clientAddr}", timeout=30)
        timeout = int(gateway.succeed(
            "ipset list torrent_block | sed -n 's/^${clientAddr} timeout \\([0-9]*\\).*/\\1/p'").strip())
        assert 500 <= timeout <= 600, f"ban timeout {timeout}"
        server.wait_until_succeeds("test -f /tmp/sink-read", timeout=30)
        assert server.succeed("cat /tmp/sink-read").strip() == "0", "the server read part of the handshake"
        gateway.succeed("journalctl -u btblocker | grep -q 'BLOCK tcp ${clientAddr}:.* detector=handshake'")
        # the ban drops the client's next connection, whatever the port
        client.fail("curl -sf --max-time 5 http://${serverAddr}:8080/index.html")

    with subtest("systemctl stop removes every rule of ours and keeps the bans"):
        gateway.succeed("systemctl stop btblocker.service")
        gateway.fail("iptables-save | grep BTBLOCKER")
        gateway.fail("ip6tables-save | grep BTBLOCKER")
        gateway.succeed("ipset test torrent_block ${clientAddr}")
  '';
}
