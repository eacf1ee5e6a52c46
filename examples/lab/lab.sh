#!/usr/bin/env bash
# btblocker lab: real BitTorrent clients and real non-BitTorrent programs talk through a gateway namespace.
#
#   client (10.77.1.2, fd77:1::2) -- lan0 [gateway] wan0 -- server (10.77.2.2, fd77:2::2)
#
# Every scenario gets a fresh topology (namespaces btlab-<pid>-client/-gw/-server), so a ban in one scenario never
# leaks into the next. With GATEWAY_CMD set, that command runs inside the gateway namespace for each scenario (e.g.
# GATEWAY_CMD='/path/btblocker run --config /path/lab.conf'); its stdout+stderr is the log grepped for BLOCK lines.
#
# Environment:
#   GATEWAY_CMD        command to run in the gateway netns (default: none, nothing blocks)
#   LAB_EXPECT         complete|blocked (default: blocked when GATEWAY_CMD is set, else complete)
#   LAB_TIMEOUT        seconds per BitTorrent download (default 60, or 25 when expecting blocked)
#   LAB_AFTER_BAN      seconds a download may go on after the first ban before it is stopped (default 8)
#   LAB_SCENARIOS      comma separated scenario names or prefixes to run (default: all); see --list
#   LAB_OUT            output directory (default: a new /tmp/btlab.XXXXXX); results.jsonl and results.md land there
#   LAB_FILE_MB        size of the random payload (default 4)
#   LAB_GW_READY       seconds to wait for the gateway program to install its NFQUEUE rules (default 40)
#   LAB_GW_READY_CMD   readiness check run in the gateway netns (default: an NFQUEUE rule exists in iptables/nft)
#   LAB_BAN_SETS       regex of the ipset names that hold bans (default ^torrent_block: torrent_block, torrent_block6)
#   LAB_KEEP_DATA      1 keeps the transferred payload copies in each scenario directory (default: deleted)
#   LAB_CAPTURE_SNAPLEN bytes of each packet kept in <scenario>/lan0.pcap (default 200: headers; 0 = whole packets)
#   LAB_CAPTURE_MAX    packets kept in <scenario>/lan0.pcap (default 20000)
# Output: one JSON line per scenario on stdout (lines starting with {"scenario":), logs on stderr, a markdown table
# in $LAB_OUT/results.md (also printed to stderr). Exit status 0 when every scenario met its expectation.
set -euo pipefail

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
GATEWAY_CMD=${GATEWAY_CMD:-}
if [[ -z ${LAB_EXPECT:-} ]]; then
  if [[ -n $GATEWAY_CMD ]]; then LAB_EXPECT=blocked; else LAB_EXPECT=complete; fi
fi
case $LAB_EXPECT in complete|blocked) ;; *) echo "lab.sh: LAB_EXPECT must be complete or blocked" >&2; exit 2;; esac
if [[ $LAB_EXPECT == blocked ]]; then LAB_TIMEOUT=${LAB_TIMEOUT:-25}; else LAB_TIMEOUT=${LAB_TIMEOUT:-60}; fi
LAB_AFTER_BAN=${LAB_AFTER_BAN:-8}
LAB_SCENARIOS=${LAB_SCENARIOS:-all}
LAB_FILE_MB=${LAB_FILE_MB:-4}
LAB_GW_READY=${LAB_GW_READY:-40}
LAB_GW_READY_CMD=${LAB_GW_READY_CMD:-}
LAB_BAN_SETS=${LAB_BAN_SETS:-^torrent_block}
LAB_KEEP_DATA=${LAB_KEEP_DATA:-0}
LAB_CAPTURE_SNAPLEN=${LAB_CAPTURE_SNAPLEN:-200}
LAB_CAPTURE_MAX=${LAB_CAPTURE_MAX:-20000}

BT_SCENARIOS=(bt-tcp-http bt-tcp-peer bt-tcp-enc bt-utp bt-utp-enc bt-dht bt-udp-tracker bt-magnet bt-transmission-enc
  bt-aria2-enc bt-rtorrent-enc bt-ipv6 bt-v2 bt-midstream bt-midstream-enc)
NEG_SCENARIOS=(neg-https-443 neg-https-8443 neg-https-6881 neg-ssh-22 neg-ssh-2222 neg-wireguard neg-dns neg-iperf-tcp
  neg-iperf-udp neg-entropy-tcp-6881 neg-entropy-tcp-51413 neg-entropy-udp-6881 neg-entropy-udp-51413
  neg-shadowsocks-8388 neg-shadowsocks-6881)
# seconds after the download began that the gateway program starts in the bt-midstream scenarios, and the seeder's
# upload limit that keeps the download going past it (4 MB at 200 KiB/s: about 20 s, within LAB_TIMEOUT)
MIDSTREAM_DELAY=${LAB_MIDSTREAM_DELAY:-5}
MIDSTREAM_KIB_S=${LAB_MIDSTREAM_KIB_S:-200}

check_prereqs() { # prints what is missing; status 0 when nothing is
  local missing=() cmd
  for cmd in ip ipset iptables bc openssl ssh-keygen opentracker transmission-cli aria2c rtorrent nginx /usr/sbin/sshd \
    scp wg wireguard-go dnsmasq dig iperf3 curl ss setsid tcpdump ss-server ss-local; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
  done
  "$PY" -c 'import libtorrent' 2>/dev/null || missing+=("python3-libtorrent")
  ((${#missing[@]} == 0)) || echo "missing programs: ${missing[*]} (install examples/lab/packages.txt)"
  [[ $(id -u) == 0 ]] || { echo "must run as root (network namespaces)"; return 1; }
  ((${#missing[@]} == 0))
}
if [[ ${1:-} == --check ]]; then check_prereqs; exit $?; fi
if [[ ${1:-} == --list ]]; then printf '%s\n' "${BT_SCENARIOS[@]}" "${NEG_SCENARIOS[@]}"; exit 0; fi
if [[ ${1:-} == --help || ${1:-} == -h ]]; then sed -n '2,25p' "$0"; exit 0; fi

PREFIX=btlab-$$
C=$PREFIX-client
G=$PREFIX-gw
S=$PREFIX-server
CLIENT4=10.77.1.2 GW_LAN4=10.77.1.1 GW_WAN4=10.77.2.1 SERVER4=10.77.2.2
CLIENT6=fd77:1::2 GW_LAN6=fd77:1::1 GW_WAN6=fd77:2::1 SERVER6=fd77:2::2

LAB_OUT=${LAB_OUT:-$(mktemp -d /tmp/btlab.XXXXXX)}
mkdir -p "$LAB_OUT"
LAB_OUT=$(cd "$LAB_OUT" && pwd)
RESULTS=$LAB_OUT/results.jsonl
: >"$RESULTS"
COMMON=$LAB_OUT/common

log() { printf '[lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
now() { date +%s.%N; }

# ---------------------------------------------------------------------------------------------------------- cleanup
SCEN_PIDS=()

kill_pid() { # kill_pid PID: TERM its process group (every child was started with setsid), then KILL
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

kill_scenario_processes() {
  local pid ns
  for pid in "${SCEN_PIDS[@]}"; do kill_pid "$pid"; done
  SCEN_PIDS=()
  # anything still living inside our namespaces was started by this script (daemons that forked)
  for ns in "$C" "$G" "$S"; do
    { ip netns pids "$ns" 2>/dev/null || true; } | while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done
  done
}

teardown() {
  kill_scenario_processes
  local ns
  for ns in "$C" "$G" "$S"; do ip netns del "$ns" 2>/dev/null || true; done
  # wireguard-go leaves its UAPI sockets behind when killed
  rm -f "/var/run/wireguard/wc$$.sock" "/var/run/wireguard/ws$$.sock" 2>/dev/null || true
}

on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  teardown
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME NS CMD...: background process in a namespace, own process group, output in $SD/NAME.log
start() {
  local name=$1 ns=$2
  shift 2
  setsid ip netns exec "$ns" "$@" >"$SD/$name.log" 2>&1 </dev/null &
  SCEN_PIDS+=($!)
  LAST_PID=$!
}

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
  local deadline
  deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(date +%s) < deadline)) || return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------------------- topology
setup_topology() {
  teardown
  local ns
  for ns in "$C" "$G" "$S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  done
  ip link add lan0 netns "$G" type veth peer name eth0 netns "$C"
  ip link add wan0 netns "$G" type veth peer name eth0 netns "$S"
  ip -n "$C" addr add "$CLIENT4/24" dev eth0
  ip -n "$C" addr add "$CLIENT6/64" dev eth0 nodad
  ip -n "$G" addr add "$GW_LAN4/24" dev lan0
  ip -n "$G" addr add "$GW_LAN6/64" dev lan0 nodad
  ip -n "$G" addr add "$GW_WAN4/24" dev wan0
  ip -n "$G" addr add "$GW_WAN6/64" dev wan0 nodad
  ip -n "$S" addr add "$SERVER4/24" dev eth0
  ip -n "$S" addr add "$SERVER6/64" dev eth0 nodad
  ip -n "$C" link set eth0 up
  ip -n "$S" link set eth0 up
  ip -n "$G" link set lan0 up
  ip -n "$G" link set wan0 up
  ip netns exec "$G" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  ip -n "$C" route add default via "$GW_LAN4"
  ip -n "$C" -6 route add default via "$GW_LAN6"
  ip -n "$S" route add default via "$GW_WAN4"
  ip -n "$S" -6 route add default via "$GW_WAN6"
}

# ---------------------------------------------------------------------------------------------------------- gateway
TCPDUMP_PID=
T0=0
gw_ready() {
  if [[ -n $LAB_GW_READY_CMD ]]; then
    ip netns exec "$G" bash -c "$LAB_GW_READY_CMD"
  else
    # read everything first: grep -q closing the pipe early would fail the pipeline under pipefail
    local rules
    rules=$({ ip netns exec "$G" iptables -S 2>/dev/null; ip netns exec "$G" ip6tables -S 2>/dev/null
      ip netns exec "$G" nft list ruleset 2>/dev/null; } || true)
    grep -qiE 'NFQUEUE|queue (num|to|flags)|queue [0-9]' <<<"$rules"
  fi
}

start_gateway() {
  GW_PID=
  [[ -n $GATEWAY_CMD ]] || return 0
  LAB_GW_NS=$G LAB_LAN_IF=lan0 LAB_WAN_IF=wan0 LAB_SCENARIO_DIR=$SD LAB_SCENARIO=$SCEN \
    start gateway "$G" bash -c "$GATEWAY_CMD"
  GW_PID=$LAST_PID
  local deadline=$(($(date +%s) + LAB_GW_READY))
  until gw_ready; do
    if ! kill -0 "$GW_PID" 2>/dev/null; then
      ERROR="gateway program exited before it was ready (see $SD/gateway.log)"
      return 1
    fi
    if (($(date +%s) >= deadline)); then
      ERROR="gateway program not ready after ${LAB_GW_READY}s (no NFQUEUE rule; see $SD/gateway.log)"
      return 1
    fi
    sleep 0.2
  done
  # an ipset that the daemon creates lazily is not an error; one that is gone after a ban is
}

# Records every new ipset member as "<epoch> <set> <member>" in $SD/bans.txt.
ban_poller() {
  local seen=" " line set member
  while :; do
    while read -r _ set member _; do
      [[ -n ${member:-} && $set =~ $LAB_BAN_SETS ]] || continue
      line="$set/$member"
      if [[ $seen != *" $line "* ]]; then
        seen+="$line "
        printf '%s %s %s\n' "$(now)" "$set" "$member" >>"$SD/bans.txt"
      fi
    done < <(ip netns exec "$G" ipset list -output save 2>/dev/null | grep '^add ' || true)
    sleep 0.2
  done
}

start_observers() {
  : >"$SD/bans.txt"
  ban_poller &
  SCEN_PIDS+=($!)
  TCPDUMP_PID=
  if command -v tcpdump >/dev/null; then
    # headers only by default, at most 20000 packets: shows which protocols crossed the gateway and when the first
    # packet did; LAB_CAPTURE_SNAPLEN=0 keeps whole packets (captures to replay with `btblocker scan`)
    setsid ip netns exec "$G" tcpdump -i lan0 -n -s "$LAB_CAPTURE_SNAPLEN" -c "$LAB_CAPTURE_MAX" -U --immediate-mode -Z root -w "$SD/lan0.pcap" 'tcp or udp' 2>"$SD/tcpdump.log" &
    TCPDUMP_PID=$!
    SCEN_PIDS+=("$TCPDUMP_PID")
    wait_for 5 grep -q 'listening on' "$SD/tcpdump.log" || true
  fi
}

# Prints "FIRST_EPOCH TCP_PACKETS UDP_PACKETS" seen on the gateway's lan0 (the capture is stopped first).
capture_summary() {
  if [[ -z ${TCPDUMP_PID:-} || ! -s $SD/lan0.pcap ]]; then echo "$T0 -1 -1"; return; fi
  kill_pid "$TCPDUMP_PID"
  local first tcp udp
  first=$(tcpdump -r "$SD/lan0.pcap" -n -tt -c 1 2>/dev/null | awk 'NR==1{print $1}')
  tcp=$(tcpdump -r "$SD/lan0.pcap" -n tcp 2>/dev/null | wc -l)
  udp=$(tcpdump -r "$SD/lan0.pcap" -n udp 2>/dev/null | wc -l)
  echo "${first:-$T0} $tcp $udp"
}

# ---------------------------------------------------------------------------------------------------------- results
# finish_scenario KIND COMPLETED BYTES TOTAL ELAPSED [EXTRA_JSON]
finish_scenario() {
  local kind=$1 completed=$2 bytes=$3 total=$4 elapsed=$5 extra=${6:-'{}'}
  local first_packet gw_tcp gw_udp
  read -r first_packet gw_tcp gw_udp < <(capture_summary)
  local gwlog=$SD/gateway.log
  [[ -f $gwlog ]] || gwlog=/dev/null
  local line
  line=$(SCEN="$SCEN" KIND="$kind" COMPLETED="$completed" BYTES="$bytes" TOTAL="$total" ELAPSED="$elapsed" \
    EXTRA="$extra" FIRST_PACKET="$first_packet" GW_TCP="$gw_tcp" GW_UDP="$gw_udp" EXPECT="$LAB_EXPECT" ERROR="${ERROR:-}" GATEWAY="${GATEWAY_CMD:+1}" \
    "$PY" - "$SD/bans.txt" "$gwlog" <<'PYEOF'
import json, os, re, sys
bans = [l.split() for l in open(sys.argv[1]) if l.strip()]
blocks = [l.strip() for l in open(sys.argv[2], errors="replace") if re.search(r"\bBLOCK (tcp|udp) ", l)]
detectors = sorted({m.group(1) for l in blocks for m in [re.search(r"detector=(\S+)", l)] if m})
fp = float(os.environ["FIRST_PACKET"])
kind = os.environ["KIND"]
completed = os.environ["COMPLETED"] == "true"
r = {"scenario": os.environ["SCEN"], "kind": kind, "completed": completed,
     "bytes": int(os.environ["BYTES"] or 0), "total": int(os.environ["TOTAL"] or 0),
     "elapsed_s": round(float(os.environ["ELAPSED"] or 0), 3),
     "first_ban_s": round(float(bans[0][0]) - fp, 3) if bans else None,
     "banned": sorted({b[2] for b in bans}), "ban_sets": sorted({b[1] for b in bans}),
     "blocked_flows": len(blocks), "detectors": detectors, "block_lines": blocks[:5],
     "gw_packets": {"tcp": int(os.environ["GW_TCP"]), "udp": int(os.environ["GW_UDP"])},
     "gateway": bool(os.environ["GATEWAY"]), "error": os.environ["ERROR"]}
r.update(json.loads(os.environ["EXTRA"]))
if r["error"]:
    r["pass"] = False
elif kind == "negative":
    r["pass"] = completed and not bans and not blocks
elif os.environ["EXPECT"] == "complete":
    r["pass"] = completed
else:
    # not completing is not enough: a leecher that crashed also does not complete; the gateway must have acted
    r["pass"] = not completed and bool(bans or blocks)
r["expect"] = "complete" if kind == "negative" else os.environ["EXPECT"]
print(json.dumps(r))
PYEOF
  )
  printf '%s\n' "$line" >>"$RESULTS"
  printf '%s\n' "$line"
  log "$SCEN: $(jq_pass "$line")"
}

jq_pass() { "$PY" -c 'import json,sys; r=json.loads(sys.argv[1]); print(("PASS" if r["pass"] else "FAIL"), "completed=%s bytes=%s/%s elapsed=%ss first_ban=%s banned=%s detectors=%s %s" % (r["completed"], r["bytes"], r["total"], r["elapsed_s"], r["first_ban_s"], ",".join(r["banned"]) or "-", ",".join(r["detectors"]) or "-", r["error"]))' "$1"; }

# ---------------------------------------------------------------------------------------------------------- common data
prepare_common() {
  rm -rf "$COMMON"; mkdir -p "$COMMON"
  head -c $((LAB_FILE_MB * 1024 * 1024)) /dev/urandom >"$COMMON/payload.bin"
  PAYLOAD_SHA=$(sha256sum "$COMMON/payload.bin" | cut -d' ' -f1)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=lab.test \
    -keyout "$COMMON/tls.key" -out "$COMMON/tls.crt" 2>/dev/null
  ssh-keygen -q -t ed25519 -N '' -f "$COMMON/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -f "$COMMON/client_key"
  cp "$COMMON/client_key.pub" "$COMMON/authorized_keys"
  chmod 600 "$COMMON/client_key" "$COMMON/ssh_host_ed25519_key"
}

# ---------------------------------------------------------------------------------------------------------- BitTorrent
start_tracker() { # start_tracker INFOHASH LISTEN_IP NETNS
  # opentracker refuses to run as root: it chroots to tracker.rootdir (the whitelist path is inside the chroot)
  # and drops to the package's _opentracker user
  local listen=$2 ns=$3 user=_opentracker
  id -u "$user" >/dev/null 2>&1 || user=nobody
  [[ $listen == *:* ]] && listen="[$listen]"
  mkdir -p "$SD/tracker"
  chmod 755 "$SD/tracker"
  printf '%s\n' "$1" >"$SD/tracker/whitelist.txt"
  chmod 644 "$SD/tracker/whitelist.txt"
  cat >"$SD/tracker/opentracker.conf" <<EOF
listen.tcp_udp $listen:6969
access.whitelist /whitelist.txt
tracker.rootdir $SD/tracker
tracker.user $user
EOF
  start tracker "$ns" opentracker -f "$SD/tracker/opentracker.conf"
  local want=$2
  [[ $want == *:* ]] && want="\\[$want\\]"
  wait_for 10 bash -c "ip netns exec '$ns' ss -Hltn | grep -q '$want:6969'"
}

# run_bt SCENARIO: one BitTorrent download through the gateway
run_bt() {
  # Where the tracker runs: "server" puts its traffic through the gateway (the tracker detector's case);
  # "gateway" runs it in the gateway namespace on 10.77.2.1, which both sides reach without being forwarded, so only
  # the peer wire crosses the inspected FORWARD path (the case of the handshake/MSE/uTP detectors).
  local seed_profile=plain leech_profile=plain trackers=() tracker_ip=$SERVER4 leecher=libtorrent
  local tracker_ns=$S tracker_where=server
  local seed_listen="$SERVER4:6881" leech_listen="$CLIENT4:6882" seed_dht="" leech_dht="" magnet=0 tracker=1
  local v2=0 gateway_delay=0 seed_rate=0
  case $SCEN in
    bt-tcp-http) ;;
    bt-tcp-peer) tracker_where=gateway ;;
    bt-tcp-enc) seed_profile=enc leech_profile=enc tracker_where=gateway ;;
    bt-utp) seed_profile=utp leech_profile=utp tracker_where=gateway ;;
    bt-utp-enc) seed_profile=utp_enc leech_profile=utp_enc tracker_where=gateway ;;
    bt-dht) seed_profile=dht leech_profile=dht tracker=0 seed_dht="$SERVER4:6890,$CLIENT4:6882"
      leech_dht="$SERVER4:6881,$SERVER4:6890" ;;
    bt-udp-tracker) trackers=("udp://$SERVER4:6969/announce") ;;
    bt-magnet) magnet=1 tracker_where=gateway ;;
    bt-transmission-enc) seed_profile=tolerant leecher=transmission tracker_where=gateway ;;
    bt-aria2-enc) seed_profile=tolerant leecher=aria2 tracker_where=gateway ;;
    bt-rtorrent-enc) seed_profile=tolerant leecher=rtorrent tracker_where=gateway ;;
    bt-v2) v2=1 tracker_where=gateway ;;
    bt-midstream) gateway_delay=$MIDSTREAM_DELAY seed_rate=$MIDSTREAM_KIB_S tracker_where=gateway ;;
    bt-midstream-enc) seed_profile=enc leech_profile=enc gateway_delay=$MIDSTREAM_DELAY seed_rate=$MIDSTREAM_KIB_S
      tracker_where=gateway ;;
    bt-ipv6) tracker=6 tracker_ip=$SERVER6 seed_listen="[$SERVER6]:6881" leech_listen="[$CLIENT6]:6882"
      trackers=("http://[$SERVER6]:6969/announce") ;;
    *) echo "unknown scenario $SCEN" >&2; return 1 ;;
  esac
  if [[ $tracker_where == gateway ]]; then tracker_ns=$G tracker_ip=$GW_WAN4; fi
  ((tracker)) || tracker_where=none
  if ((tracker)) && ((${#trackers[@]} == 0)); then trackers=("http://$tracker_ip:6969/announce"); fi
  mkdir -p "$SD/server" "$SD/client"
  cp "$COMMON/payload.bin" "$SD/server/payload.bin"
  local targs=() t
  for t in "${trackers[@]}"; do targs+=(--tracker "$t"); done
  local infohash
  ((v2)) && targs+=(--v2)
  infohash=$("$PY" "$LAB_HOME/mktorrent.py" "$SD/server/payload.bin" "$SD/payload.torrent" "${targs[@]}")
  local total=$((LAB_FILE_MB * 1024 * 1024))
  ERROR=
  if ((tracker == 1)) && ! start_tracker "$infohash" "$tracker_ip" "$tracker_ns"; then ERROR="opentracker did not start"; fi
  if ((tracker == 6)); then
    # Debian's opentracker is IPv4-only ("V4 Tracker is V4 only!"): a minimal Python tracker serves peers6
    start tracker "$S" "$PY" "$LAB_HOME/tracker6.py" "$tracker_ip" 6969 "$infohash"
    wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q '\\[$tracker_ip\\]:6969'" || ERROR="tracker6.py did not start"
  fi
  if [[ $SCEN == bt-dht ]]; then
    # the rendezvous DHT node on the server side (see dhtnode.py); the leecher reaches it through the gateway
    start dhtnode "$S" "$PY" "$LAB_HOME/dhtnode.py" "$SERVER4:6890" 600
    wait_for 10 grep -q READY "$SD/dhtnode.log" || ERROR="DHT node did not start"
  fi
  # the mid-stream scenarios start the gateway program after the download began, so it never sees the handshake
  ((gateway_delay)) || [[ -n $ERROR ]] || start_gateway || true
  if [[ -n $ERROR ]]; then T0=$(now); finish_scenario bittorrent false 0 "$total" 0; return; fi
  start_observers
  start seeder "$S" "$PY" "$LAB_HOME/seed.py" "$SD/payload.torrent" "$SD/server" "$seed_profile" 600 \
    --listen "$seed_listen" --dht "$seed_dht" --upload-kib-s "$seed_rate"
  local lport=${seed_listen##*:} sock=-Hltn
  [[ $seed_profile == utp* ]] && sock=-Hlun
  if ! wait_for 20 grep -q READY "$SD/seeder.log" ||
    ! wait_for 5 bash -c "ip netns exec '$S' ss $sock | grep -q ':$lport '"; then
    ERROR="seeder not ready"; T0=$(now); finish_scenario bittorrent false 0 "$total" 0; return
  fi
  local source=$SD/payload.torrent
  if ((magnet)); then source="magnet:?xt=urn:btih:$infohash&dn=payload.bin&tr=http%3A%2F%2F$tracker_ip%3A6969%2Fannounce"; fi
  T0=$(now)
  local pid
  case $leecher in
    libtorrent)
      setsid ip netns exec "$C" "$PY" "$LAB_HOME/leech.py" "$source" "$SD/client" "$leech_profile" "$LAB_TIMEOUT" \
        --listen "$leech_listen" --dht "$leech_dht" >"$SD/leecher.json" 2>"$SD/leecher.log" </dev/null &
      ;;
    transmission)
      mkdir -p "$SD/transmission"
      # encryption 2 = required; no DHT/LPD/PEX/uTP/port mapping: the tracker is the only way to the seeder
      cat >"$SD/transmission/settings.json" <<EOF
{"dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
 "port-forwarding-enabled": false, "encryption": 2, "peer-port": 51413, "rename-partial-files": true,
 "speed-limit-down-enabled": false, "speed-limit-up-enabled": false, "blocklist-enabled": false}
EOF
      setsid ip netns exec "$C" transmission-cli -er -D -U -M -B -p 51413 -g "$SD/transmission" -w "$SD/client" \
        "$SD/payload.torrent" >"$SD/leecher.log" 2>&1 </dev/null &
      ;;
    aria2)
      setsid ip netns exec "$C" aria2c --bt-require-crypto=true --bt-min-crypto-level=arc4 --seed-time=0 \
        --enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false \
        --listen-port=6891 --dir="$SD/client" --summary-interval=0 --console-log-level=warn \
        --file-allocation=none --disable-ipv6=true --log="$SD/aria2.log" --log-level=${LAB_ARIA2_LOG_LEVEL:-info} "$SD/payload.torrent" \
        >"$SD/leecher.log" 2>&1 </dev/null &
      ;;
    rtorrent)
      # rtorrent 0.9 as a daemon (no terminal): encryption required, RC4 only; no DHT/PEX/UDP trackers
      mkdir -p "$SD/rtorrent/session"
      cat >"$SD/rtorrent/rtorrent.rc" <<EOF
directory.default.set = $SD/client
session.path.set = $SD/rtorrent/session
network.bind_address.set = $CLIENT4
network.port_range.set = 6893-6893
network.port_random.set = no
dht.mode.set = disable
protocol.pex.set = no
trackers.use_udp.set = no
protocol.encryption.set = allow_incoming,try_outgoing,require,require_RC4
system.daemon.set = true
load.start = $SD/payload.torrent
EOF
      setsid ip netns exec "$C" env HOME="$SD/rtorrent" rtorrent -n -o "import=$SD/rtorrent/rtorrent.rc" \
        >"$SD/leecher.log" 2>&1 </dev/null &
      ;;
  esac
  pid=$!
  SCEN_PIDS+=("$pid")
  if ((gateway_delay)); then
    sleep "$(echo "$T0 + $gateway_delay - $(now)" | bc | sed 's/^-.*/0/')"
    start_gateway || { kill_pid "$pid"; finish_scenario bittorrent false 0 "$total" 0; return; }
  fi
  local deadline stop_reason="" first_ban_epoch verdict
  deadline=$(echo "$T0 + $LAB_TIMEOUT + 5" | bc)
  while kill -0 "$pid" 2>/dev/null; do
    local tnow
    tnow=$(now)
    if (($(echo "$tnow > $deadline" | bc))); then stop_reason=timeout; break; fi
    if [[ $leecher != libtorrent ]]; then
      verdict=$("$PY" "$LAB_HOME/verify.py" "$SD/payload.torrent" "$SD/client/payload.bin" "$SD/client/payload.bin.part")
      if [[ $verdict == *'"completed": true'* ]]; then stop_reason=complete; break; fi
    fi
    if [[ -s $SD/bans.txt ]]; then
      first_ban_epoch=$(awk 'NR==1{print $1}' "$SD/bans.txt")
      if (($(echo "$tnow > $first_ban_epoch + $LAB_AFTER_BAN" | bc))); then stop_reason=banned; break; fi
    fi
    sleep 0.5
  done
  local elapsed
  elapsed=$(echo "$(now) - $T0" | bc)
  if [[ -n $stop_reason ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || true     # leech.py prints its JSON on SIGTERM
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  kill_pid "$pid"
  local completed bytes
  verdict=$("$PY" "$LAB_HOME/verify.py" "$SD/payload.torrent" "$SD/client/payload.bin" "$SD/client/payload.bin.part")
  bytes=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["bytes"])' "$verdict")
  completed=false
  [[ $verdict == *'"completed": true'* ]] && completed=true
  local extra='{}'
  if [[ $leecher == libtorrent && -s $SD/leecher.json ]]; then
    extra=$("$PY" -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print(json.dumps({"leecher": "libtorrent", "tracker": sys.argv[2], "leecher_report": r}))' "$SD/leecher.json" "$tracker_where" 2>/dev/null || echo '{}')
    # libtorrent's own elapsed is the download time; ours includes process start-up
    elapsed=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get("leecher_report",{}).get("elapsed",sys.argv[2]))' "$extra" "$elapsed")
  else
    extra="{\"leecher\": \"$leecher\", \"tracker\": \"$tracker_where\", \"stop\": \"${stop_reason:-exited}\"}"
  fi
  finish_scenario bittorrent "$completed" "$bytes" "$total" "$elapsed" "$extra"
}

# ---------------------------------------------------------------------------------------------------------- negatives
sha_of() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

# neg_result COMPLETED BYTES ELAPSED
neg_done() { finish_scenario negative "$1" "$2" "$3" "$4"; }

run_neg() {
  ERROR=
  mkdir -p "$SD"
  local out=$SD/received.bin total=$((LAB_FILE_MB * 1024 * 1024)) ok=false bytes=0 t1 res
  case $SCEN in
    neg-https-*)
      local port=${SCEN##*-}
      mkdir -p "$SD/www" "$SD/nginx-tmp"
      cp "$COMMON/payload.bin" "$SD/www/payload.bin"
      cat >"$SD/nginx.conf" <<EOF
daemon off;
worker_processes 1;
user root;
pid $SD/nginx.pid;
error_log $SD/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $SD/nginx-tmp/body;
  proxy_temp_path $SD/nginx-tmp/proxy;
  fastcgi_temp_path $SD/nginx-tmp/fastcgi;
  uwsgi_temp_path $SD/nginx-tmp/uwsgi;
  scgi_temp_path $SD/nginx-tmp/scgi;
  server {
    listen $SERVER4:$port ssl;
    listen [$SERVER6]:$port ssl;
    ssl_certificate $COMMON/tls.crt;
    ssl_certificate_key $COMMON/tls.key;
    root $SD/www;
  }
}
EOF
      start nginx "$S" nginx -c "$SD/nginx.conf" -p "$SD" -e "$SD/nginx-error.log"
      wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q ':$port '" || ERROR="nginx did not start"
      start_gateway || true
      [[ -n $ERROR ]] && { T0=$(now); neg_done false 0 "$total" 0; return; }
      start_observers
      T0=$(now)
      ip netns exec "$C" curl -sSk --max-time 30 -o "$out" "https://$SERVER4:$port/payload.bin" 2>"$SD/client.log" || true
      ;;
    neg-ssh-*)
      local port=${SCEN##*-}
      mkdir -p /run/sshd
      cat >"$SD/sshd_config" <<EOF
ListenAddress $SERVER4:$port
HostKey $COMMON/ssh_host_ed25519_key
PidFile $SD/sshd.pid
AuthorizedKeysFile $COMMON/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
EOF
      start sshd "$S" /usr/sbin/sshd -D -e -f "$SD/sshd_config"
      wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q ':$port '" || ERROR="sshd did not start"
      start_gateway || true
      [[ -n $ERROR ]] && { T0=$(now); neg_done false 0 "$total" 0; return; }
      start_observers
      T0=$(now)
      ip netns exec "$C" timeout 30 scp -q -i "$COMMON/client_key" -P "$port" -o BatchMode=yes \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 \
        "root@$SERVER4:$COMMON/payload.bin" "$out" 2>"$SD/client.log" || true
      ;;
    neg-wireguard)
      local wc=wc$$ ws=ws$$ kind=userspace
      wg genkey >"$SD/c.key"; wg pubkey <"$SD/c.key" >"$SD/c.pub"
      wg genkey >"$SD/s.key"; wg pubkey <"$SD/s.key" >"$SD/s.pub"
      if ip -n "$C" link add "$wc" type wireguard 2>/dev/null && ip -n "$S" link add "$ws" type wireguard 2>/dev/null; then
        kind=kernel
      else
        ip -n "$C" link del "$wc" 2>/dev/null || true
        start wg-client "$C" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "$wc"
        start wg-server "$S" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "$ws"
        wait_for 10 ip -n "$C" link show "$wc" && wait_for 10 ip -n "$S" link show "$ws" || ERROR="wireguard-go failed"
      fi
      if [[ -z $ERROR ]]; then
        ip netns exec "$S" wg set "$ws" private-key "$SD/s.key" listen-port 51820 \
          peer "$(cat "$SD/c.pub")" allowed-ips 10.99.0.1/32
        ip netns exec "$C" wg set "$wc" private-key "$SD/c.key" listen-port 51821 \
          peer "$(cat "$SD/s.pub")" allowed-ips 10.99.0.2/32 endpoint "$SERVER4:51820"
        ip -n "$C" addr add 10.99.0.1/24 dev "$wc"; ip -n "$C" link set "$wc" up
        ip -n "$S" addr add 10.99.0.2/24 dev "$ws"; ip -n "$S" link set "$ws" up
        start sink "$S" "$PY" "$LAB_HOME/entropy.py" tcp-send-server 10.99.0.2 9000 "$COMMON/payload.bin"
        wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q ':9000 '" || ERROR="file server did not start"
      fi
      start_gateway || true
      [[ -n $ERROR ]] && { T0=$(now); neg_done false 0 "$total" 0; return; }
      start_observers
      T0=$(now)
      ip netns exec "$C" timeout 30 "$PY" "$LAB_HOME/entropy.py" tcp-get 10.99.0.2 9000 "$out" \
        >"$SD/client.json" 2>"$SD/client.log" || true
      log "wireguard: $kind"
      ;;
    neg-dns)
      start dnsmasq "$S" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces \
        --listen-address="$SERVER4" --user=root --pid-file="$SD/dnsmasq.pid" --address=/lab.test/10.77.2.99 \
        --address=/lab.test/fd77:2::99 --txt-record=txt.lab.test,"btlab negative" --log-facility="$SD/dnsmasq-queries.log"
      wait_for 10 bash -c "ip netns exec '$S' ss -Hlun | grep -q '$SERVER4:53 '" || ERROR="dnsmasq did not start"
      start_gateway || true
      [[ -n $ERROR ]] && { T0=$(now); neg_done false 0 0 0; return; }
      start_observers
      T0=$(now)
      local i good=0 n=0 a
      for i in $(seq 1 20); do
        n=$((n + 1))
        a=$(ip netns exec "$C" dig +short +time=2 +tries=2 @"$SERVER4" "host$i.lab.test" A 2>>"$SD/client.log" || true)
        [[ $a == 10.77.2.99 ]] && good=$((good + 1))
      done
      n=$((n + 1)); a=$(ip netns exec "$C" dig +short +time=2 +tries=2 @"$SERVER4" "v6.lab.test" AAAA || true)
      [[ $a == fd77:2::99 ]] && good=$((good + 1))
      n=$((n + 1)); a=$(ip netns exec "$C" dig +short +tcp +time=2 +tries=2 @"$SERVER4" "tcp.lab.test" A || true)
      [[ $a == 10.77.2.99 ]] && good=$((good + 1))
      n=$((n + 1)); a=$(ip netns exec "$C" dig +short +time=2 +tries=2 @"$SERVER4" txt.lab.test TXT || true)
      [[ $a == *'btlab negative'* ]] && good=$((good + 1))
      t1=$(echo "$(now) - $T0" | bc)
      [[ $good == "$n" ]] && ok=true
      neg_done "$ok" "$good" "$n" "$t1"
      return
      ;;
    neg-iperf-*)
      start iperf "$S" iperf3 -s -B "$SERVER4" -p 5201
      wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q ':5201 '" || ERROR="iperf3 server did not start"
      start_gateway || true
      [[ -n $ERROR ]] && { T0=$(now); neg_done false 0 0 0; return; }
      start_observers
      T0=$(now)
      local args=(-c "$SERVER4" -p 5201 -t 3 -J)
      [[ $SCEN == neg-iperf-udp ]] && args+=(-u -b 50M)
      ip netns exec "$C" timeout 30 iperf3 "${args[@]}" >"$SD/client.json" 2>"$SD/client.log" || true
      res=$("$PY" - "$SD/client.json" <<'PYEOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
    end = r["end"]
    if "sum_received" in end:
        b = end["sum_received"]["bytes"]; ok = b > 0
    else:
        s = end["sum"]; b = s["bytes"]; ok = b > 0 and s.get("lost_percent", 100) < 20
    print("true" if ok else "false", b)
except Exception:
    print("false 0")
PYEOF
      )
      t1=$(echo "$(now) - $T0" | bc)
      neg_done "${res% *}" "${res#* }" "${res#* }" "$t1"
      return
      ;;
    neg-shadowsocks-*)
      run_shadowsocks "${SCEN##*-}"
      return
      ;;
    neg-entropy-*)
      local proto=${SCEN#neg-entropy-}; local port=${proto#*-}; proto=${proto%-*}
      start sink "$S" "$PY" "$LAB_HOME/entropy.py" "$proto-server" "$SERVER4" "$port"
      if [[ $proto == tcp ]]; then
        wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q ':$port '" || ERROR="tcp sink did not start"
      else
        wait_for 10 bash -c "ip netns exec '$S' ss -Hlun | grep -q ':$port '" || ERROR="udp echo did not start"
      fi
      start_gateway || true
      [[ -n $ERROR ]] && { T0=$(now); neg_done false 0 0 0; return; }
      start_observers
      T0=$(now)
      local amount=$total
      [[ $proto == udp ]] && amount=300
      ip netns exec "$C" timeout 60 "$PY" "$LAB_HOME/entropy.py" "$proto-client" "$SERVER4" "$port" "$amount" \
        >"$SD/client.json" 2>"$SD/client.log" || true
      res=$("$PY" -c 'import json,sys
try:
    r = json.loads(open(sys.argv[1]).read()); print("true" if r["completed"] else "false", r["bytes"])
except Exception:
    print("false 0")' "$SD/client.json")
      t1=$(echo "$(now) - $T0" | bc)
      neg_done "${res% *}" "${res#* }" "${res#* }" "$t1"
      return
      ;;
    *) echo "unknown scenario $SCEN" >&2; return 1 ;;
  esac
  # file transfers (https, ssh, wireguard): byte-exact or not complete
  t1=$(echo "$(now) - $T0" | bc)
  [[ -f $out ]] && bytes=$(stat -c %s "$out")
  [[ $(sha_of "$out") == "$PAYLOAD_SHA" ]] && ok=true
  neg_done "$ok" "$bytes" "$total" "$t1"
}

# run_shadowsocks PORT: shadowsocks-libev (ss-local in the client, ss-server in the server) with two AEAD ciphers in
# turn on one port, behind the same gateway run: small files (HTTP responses of 96..608 bytes, the size of MSE's key
# exchange), several small files over one kept-alive connection (four and more flights), and a large file. Every fetch
# must arrive byte-exact, so a proxy taken for BitTorrent once (and its endpoint remembered) fails the scenario.
SS_SMALL_SIZES=(0 1 40 100 150 200 250 300 350 1000 5000 60000)
run_shadowsocks() {
  local port=$1 cipher n=0 good=0 f i t1 sizes=("${SS_SMALL_SIZES[@]}")
  mkdir -p "$SD/www" "$SD/nginx-tmp" "$SD/got"
  cp "$COMMON/payload.bin" "$SD/www/large.bin"
  for i in "${sizes[@]}"; do head -c "$i" /dev/urandom >"$SD/www/small-$i.bin"; done
  cat >"$SD/nginx.conf" <<EOF
daemon off;
worker_processes 1;
user root;
pid $SD/nginx.pid;
error_log $SD/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  keepalive_requests 1000;
  client_body_temp_path $SD/nginx-tmp/body;
  proxy_temp_path $SD/nginx-tmp/proxy;
  fastcgi_temp_path $SD/nginx-tmp/fastcgi;
  uwsgi_temp_path $SD/nginx-tmp/uwsgi;
  scgi_temp_path $SD/nginx-tmp/scgi;
  server { listen 127.0.0.1:8080; root $SD/www; }
}
EOF
  # the web server is local to the server namespace: only the shadowsocks connection crosses the gateway
  start nginx "$S" nginx -c "$SD/nginx.conf" -p "$SD" -e "$SD/nginx-error.log"
  wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q '127.0.0.1:8080 '" || ERROR="nginx did not start"
  start_gateway || true
  [[ -n $ERROR ]] && { T0=$(now); neg_done false 0 0 0; return; }
  start_observers
  T0=$(now)
  for cipher in chacha20-ietf-poly1305 aes-256-gcm; do
    start "ss-server-$cipher" "$S" ss-server -s "$SERVER4" -p "$port" -k btlab-shadowsocks -m "$cipher" -t 30
    local server_pid=$LAST_PID
    start "ss-local-$cipher" "$C" ss-local -s "$SERVER4" -p "$port" -b 127.0.0.1 -l 1080 -k btlab-shadowsocks \
      -m "$cipher" -t 30
    local local_pid=$LAST_PID
    if ! wait_for 10 bash -c "ip netns exec '$S' ss -Hltn | grep -q ':$port '" ||
      ! wait_for 10 bash -c "ip netns exec '$C' ss -Hltn | grep -q '127.0.0.1:1080 '"; then
      ERROR="shadowsocks ($cipher) did not start"
      break
    fi
    local proxy=(--socks5 127.0.0.1:1080 --max-time 30 -sS)
    for i in "${sizes[@]}"; do            # one connection per file
      n=$((n + 1))
      f=$SD/got/$cipher-$i.bin
      ip netns exec "$C" curl "${proxy[@]}" -o "$f" "http://127.0.0.1:8080/small-$i.bin" 2>>"$SD/client.log" || true
      cmp -s "$f" "$SD/www/small-$i.bin" && good=$((good + 1))
    done
    local args=()                         # every small file over one kept-alive connection, twice round
    for i in "${sizes[@]}" "${sizes[@]}"; do args+=(-o "$SD/got/$cipher-ka-$n-$i.bin" "http://127.0.0.1:8080/small-$i.bin"); n=$((n + 1)); done
    ip netns exec "$C" curl "${proxy[@]}" "${args[@]}" 2>>"$SD/client.log" || true
    local k url
    for ((k = 0; k < ${#args[@]}; k += 3)); do  # args holds (-o FILE URL) triples
      url=${args[$((k + 2))]}
      cmp -s "${args[$((k + 1))]}" "$SD/www/${url##*/}" && good=$((good + 1))
    done
    for i in 1 2; do                      # the large file, twice
      n=$((n + 1))
      f=$SD/got/$cipher-large-$i.bin
      ip netns exec "$C" curl "${proxy[@]}" -o "$f" "http://127.0.0.1:8080/large.bin" 2>>"$SD/client.log" || true
      [[ $(sha_of "$f") == "$PAYLOAD_SHA" ]] && good=$((good + 1))
    done
    kill_pid "$local_pid"
    kill_pid "$server_pid"
  done
  rm -rf "$SD/got"
  t1=$(echo "$(now) - $T0" | bc)
  local ok=false
  [[ -z $ERROR && $good == "$n" ]] && ok=true
  neg_done "$ok" "$good" "$n" "$t1"
}

# ---------------------------------------------------------------------------------------------------------- main
selected() {
  [[ $LAB_SCENARIOS == all ]] && return 0
  local s
  IFS=, read -ra sel <<<"$LAB_SCENARIOS"
  for s in "${sel[@]}"; do [[ $1 == "$s"* ]] && return 0; done
  return 1
}

if ! problems=$(check_prereqs); then echo "lab.sh: $problems" >&2; exit 3; fi
# Namespaces left by a lab run that was killed outright (SIGKILL skips its trap): the run's pid is in the name.
cleanup_stale() {
  local ns pid p
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^btlab-[0-9]+-(client|gw|server)$' || true); do
    pid=${ns#btlab-}
    pid=${pid%%-*}
    ! kill -0 "$pid" 2>/dev/null || continue
    log "removing stale namespace $ns (lab run $pid is gone)"
    for p in $(ip netns pids "$ns" 2>/dev/null || true); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}
cleanup_stale
log "output in $LAB_OUT, expect=$LAB_EXPECT, timeout=${LAB_TIMEOUT}s, gateway=${GATEWAY_CMD:-none}"
prepare_common
for SCEN in "${BT_SCENARIOS[@]}" "${NEG_SCENARIOS[@]}"; do
  selected "$SCEN" || continue
  SD=$LAB_OUT/$SCEN
  mkdir -p "$SD"
  : >"$SD/bans.txt"
  log "$SCEN: start"
  setup_topology
  if [[ $SCEN == bt-* ]]; then run_bt; else run_neg; fi
  teardown
  # the payload copies are 4 MB each; the logs and captures stay
  [[ $LAB_KEEP_DATA == 1 ]] || rm -rf "$SD/server" "$SD/client" "$SD/www" "$SD/received.bin"
done

"$PY" - "$RESULTS" >"$LAB_OUT/results.md" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| scenario | expect | result | completed | bytes | elapsed s | first ban s | banned | detectors | blocked flows |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| %s | %s | %s | %s | %d/%d | %.1f | %s | %s | %s | %d |" % (
        r["scenario"], r["expect"], "PASS" if r["pass"] else "FAIL" + (" (" + r["error"] + ")" if r["error"] else ""),
        "yes" if r["completed"] else "no", r["bytes"], r["total"], r["elapsed_s"],
        "-" if r["first_ban_s"] is None else "%.2f" % r["first_ban_s"], " ".join(r["banned"]) or "-",
        " ".join(r["detectors"]) or "-", r["blocked_flows"]))
PYEOF
cat "$LAB_OUT/results.md" >&2
if grep -q '"pass": false' "$RESULTS"; then
  log "some scenarios FAILED (details in $LAB_OUT)"
  exit 1
fi
log "all scenarios passed"
