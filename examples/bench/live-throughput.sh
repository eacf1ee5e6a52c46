#!/usr/bin/env bash
# Live packets/s through a real btblocker gateway: namespaces client -- gateway -- server (veth, IPv4), `btblocker run`
# on the gateway, and a UDP sender in the client that opens a new flow with every datagram (each to another server
# port), the worst case: every packet is queued and inspected. Prints what was offered, what the queue handed the
# daemon, what the kernel bypassed (FAIL_OPEN), and packets/s. Needs root.
#   examples/bench/live-throughput.sh [SECONDS] [PAYLOAD_BYTES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-10}
size=${2:-100}
[ "$(id -u)" -eq 0 ] || { echo "live-throughput: needs root (network namespaces, NFQUEUE)" >&2; exit 2; }
p="bb$$"
c="$p-c" g="$p-gw" s="$p-s"
work=$(mktemp -d)
daemon=""
cleanup() {
  [ -n "$daemon" ] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  for n in "$c" "$g" "$s"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for n in "$c" "$g" "$s"; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add "$p-c0" type veth peer name "$p-g0"
ip link add "$p-s0" type veth peer name "$p-g1"
ip link set "$p-c0" netns "$c"; ip link set "$p-g0" netns "$g"; ip link set "$p-g1" netns "$g"; ip link set "$p-s0" netns "$s"
ip -n "$c" addr add 10.93.1.2/24 dev "$p-c0"; ip -n "$c" link set "$p-c0" up; ip -n "$c" route add default via 10.93.1.1
ip -n "$g" addr add 10.93.1.1/24 dev "$p-g0"; ip -n "$g" link set "$p-g0" up
ip -n "$g" addr add 10.93.2.1/24 dev "$p-g1"; ip -n "$g" link set "$p-g1" up
ip -n "$s" addr add 10.93.2.2/24 dev "$p-s0"; ip -n "$s" link set "$p-s0" up; ip -n "$s" route add default via 10.93.2.1
ip netns exec "$g" sysctl -qw net.ipv4.ip_forward=1
# The server drops everything: no ICMP replies to compete with the measurement.
ip netns exec "$s" iptables -A INPUT -p udp -j DROP

cat > "$work/bench.conf" <<CONF
btblocker {
  interfaces = ["$p-g0", "$p-g1"]
  whitelistPorts = []
  banSink = log
  ban.target = none
  statsInterval = 1s
  queue.maxLength = 65536
}
CONF
"$root/btblocker" detectors >/dev/null   # build outside the measurement
ip netns exec "$g" "$root/btblocker" run --config "$work/bench.conf" 2>"$work/daemon.log" &
daemon=$!
for _ in $(seq 100); do grep -q "btblocker running" "$work/daemon.log" && break; sleep 0.2; done
grep -q "btblocker running" "$work/daemon.log" || { cat "$work/daemon.log" >&2; exit 1; }

ip netns exec "$c" python3 - "$seconds" "$size" > "$work/sent" <<'PY'
import os, socket, sys, time
seconds, size = float(sys.argv[1]), int(sys.argv[2])
payload = os.urandom(size)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent, port, end = 0, 1024, time.monotonic() + seconds
while time.monotonic() < end:
    for _ in range(1000):
        try:
            s.sendto(payload, ("10.93.2.2", port))
            sent += 1
        except OSError:
            pass
        port = 1024 if port == 65535 else port + 1
print(sent)
PY
sleep 2
kill -TERM "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=""
sent=$(cat "$work/sent")
received=$(grep -o "queue [0-9]*: [0-9]* packets" "$work/daemon.log" | tail -1 | awk '{print $3}')
echo "offered:  $sent UDP datagrams of $size bytes in $seconds s, each a new flow ($((sent / seconds)) packets/s)"
echo "queued:   ${received:-0} handed to btblocker ($(( ${received:-0} / seconds )) packets/s)"
grep -E "bypassed the queue" "$work/daemon.log" | tail -1 || echo "bypassed: none reported"
