#!/bin/sh
# The seed's manual test, on the server itself and without touching its own network: three network namespaces
# (client - gateway - server, joined by veth pairs, 10.94.1.0/24 and 10.94.2.0/24), `btblocker run` inside the
# gateway, the seed's BitTorrent handshake from the client, the ban checked in the gateway's ipset, plain HTTP
# checked to pass. Everything it made is removed on exit, also on failure or Ctrl-C.
#
#   sudo /usr/share/btblocker/run-e2e-test.sh             (installed by the Debian package)
#   sudo BTBLOCKER=./btblocker packaging/run-e2e-test.sh  (from a source tree)
#
# Exit status 0 when every check passed. Needs root, iproute2, iptables, ipset and python3.
set -eu

btblocker=${BTBLOCKER:-btblocker}
id=$$
c=btbe2e-$id-c g=btbe2e-$id-gw s=btbe2e-$id-s
work=$(mktemp -d /tmp/btblocker-e2e.XXXXXX)
daemon=
passed=0 failed=0

cleanup() {
    if [ -n "$daemon" ]; then
        kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
    fi
    for ns in "$c" "$g" "$s"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check() { # check NAME COMMAND...: runs COMMAND, prints PASS or FAIL
    name=$1
    shift
    if "$@"; then
        echo "PASS  $name"
        passed=$((passed + 1))
    else
        echo "FAIL  $name"
        failed=$((failed + 1))
    fi
}

[ "$(id -u)" -eq 0 ] || { echo "run-e2e-test.sh: needs root (network namespaces, NFQUEUE)" >&2; exit 2; }
for tool in ip iptables ipset python3; do
    command -v "$tool" >/dev/null || { echo "run-e2e-test.sh: $tool is not installed" >&2; exit 2; }
done
command -v "$btblocker" >/dev/null || { echo "run-e2e-test.sh: no $btblocker command (set BTBLOCKER)" >&2; exit 2; }

for ns in "$c" "$g" "$s"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
done
ip link add "e$id"c netns "$c" type veth peer name "e$id"gc netns "$g"
ip link add "e$id"gs netns "$g" type veth peer name "e$id"s netns "$s"
ip -n "$c" addr add 10.94.1.2/24 dev "e$id"c
ip -n "$g" addr add 10.94.1.1/24 dev "e$id"gc
ip -n "$g" addr add 10.94.2.1/24 dev "e$id"gs
ip -n "$s" addr add 10.94.2.2/24 dev "e$id"s
for pair in "$c e${id}c" "$g e${id}gc" "$g e${id}gs" "$s e${id}s"; do
    set -- $pair
    ip -n "$1" link set "$2" up
done
ip -n "$c" route add default via 10.94.1.1
ip -n "$s" route add default via 10.94.2.1
ip netns exec "$g" sysctl -qw net.ipv4.ip_forward=1

# its own state and runtime directories: the test's bans must not reach an installed service's ban journal
# (/var/lib/btblocker), which restores them at its next start
cat > "$work/btblocker.conf" <<CONF
btblocker {
  interfaces = ["e${id}gc", "e${id}gs"]
  banDuration = "600"
  stateDirectory = "$work/state"
  runtimeDirectory = "$work/run"
}
CONF
ip netns exec "$g" "$btblocker" run --config "$work/btblocker.conf" > "$work/daemon.log" 2>&1 &
daemon=$!
i=0
until grep -q "btblocker running" "$work/daemon.log"; do
    i=$((i + 1))
    if [ "$i" -gt 300 ] || ! kill -0 "$daemon" 2>/dev/null; then
        echo "run-e2e-test.sh: the daemon did not start:" >&2
        cat "$work/daemon.log" >&2
        exit 1
    fi
    sleep 0.1
done
echo "btblocker running in namespace $g, $(grep -o 'bans restored from [^,]*' "$work/daemon.log")"

# plain HTTP through the gateway (port 8080 is not whitelisted: it is inspected, and passes)
mkdir "$work/www" && echo hello > "$work/www/index.html"
ip netns exec "$s" python3 -m http.server 8080 --bind 10.94.2.2 --directory "$work/www" > /dev/null 2>&1 &
ip netns exec "$s" python3 - > "$work/sink.out" <<'PY' &
import socket
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('10.94.2.2', 6881))
srv.listen(1)
srv.settimeout(20)
conn, _ = srv.accept()
conn.settimeout(5)
got = 0
try:
    while True:
        data = conn.recv(4096)
        if not data:
            break
        got += len(data)
except OSError:
    pass
print(got)
PY
sink=$!
sleep 1
http_passes() {
    ip netns exec "$c" python3 -c "import urllib.request as u; print(u.urlopen('http://10.94.2.2:8080/', timeout=5).read().decode().strip())" | grep -qx hello
}
check "plain HTTP passes through the gateway" http_passes

# the seed's handshake (NIXOS_DEPLOYMENT.md, "Test BitTorrent Detection")
ip netns exec "$c" python3 - <<'PY'
import socket

handshake = bytearray([19]) + b'BitTorrent protocol' + b'\x00'*8
handshake += b'12345678901234567890' + b'-TEST00-123456789012'

sock = socket.socket()
sock.connect(('10.94.2.2', 6881))
sock.send(handshake)
sock.close()
PY
banned() {
    i=0
    until ip netns exec "$g" ipset test torrent_block 10.94.1.2 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -le 100 ] || return 1
        sleep 0.1
    done
}
check "the client is banned in the gateway's ipset torrent_block" banned
wait "$sink" || true
check "the server read none of the handshake" grep -qx 0 "$work/sink.out"
check "the daemon logged the detection" grep -q "BLOCK tcp 10.94.1.2:.* detector=handshake" "$work/daemon.log"
ip netns exec "$g" ipset list torrent_block | sed -n '/^Members:/,$p'

kill -TERM "$daemon"
wait "$daemon" && stopped=0 || stopped=$?
daemon=
check "btblocker stopped cleanly (exit 0)" [ "$stopped" -eq 0 ]
no_rules_left() { ! ip netns exec "$g" iptables-save | grep -q BTBLOCKER; }
check "the stop removed every rule of ours" no_rules_left

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
