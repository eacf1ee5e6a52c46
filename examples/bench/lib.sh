# Shared by the examples/bench scripts (sourced, not run): the namespace gateway, building the C tools, starting and
# stopping the consumers (the C reference and `btblocker run`), and how results are printed.
#
#   client (10.93.1.2) -- lan [gateway] wan -- server (10.93.2.2)
#
# The client's raw-socket generator also sends from 10.94.0.0/16 (routed back to the client), so --queue-balance and
# the flood see many address pairs. The server drops UDP except port 7 (the echo of the latency test); the packet
# counter of that DROP rule is what "delivered" means.
#
# Environment: BENCH_BUILD (where the C tools are compiled, default examples/bench/target), BTBLOCKER (the command,
# default ./btblocker of this tree), BENCH_SKIP_BUILD=1 trusts that it is built, BENCH_KEEP=1 keeps the work
# directory, BENCH_PERF=1 makes every drain round
# print the consumer's system calls and CPU time per packet (perf stat, Debian linux-perf), JAVA_OPTS reaches the
# daemon's JVM (e.g. a JFR recording).

BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_HOME/../.." && pwd)
BENCH_BUILD=${BENCH_BUILD:-$BENCH_HOME/target}
BTBLOCKER=${BTBLOCKER:-$ROOT/btblocker}
PY=/usr/bin/python3 # Debian's, which has python3-libtorrent (a python3 earlier on PATH may not)
CLIENT4=10.93.1.2 GW_LAN4=10.93.1.1 GW_WAN4=10.93.2.1 SERVER4=10.93.2.2
SPOOF4=10.94.0.1
P=bb$$
C=$P-c G=$P-gw S=$P-s
LAN=${P}l WAN=${P}w CIF=${P}c SIF=${P}s
WORK=$(mktemp -d "/tmp/btbench.XXXXXX")
BENCH_PIDS=()

log() { printf '[%s %(%H:%M:%S)T] %s\n' "$(basename "$0" .sh)" -1 "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 2; }

# usage_from_header: prints the script's leading comment block (its --help)
usage_from_header() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

require_root() { [[ $(id -u) == 0 ]] || die "needs root (network namespaces, NFQUEUE, raw sockets)"; }

# require_tools CMD...: one line naming what is missing and the Debian packages that bring it
require_tools() {
  local missing=() t
  for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (apt-get install gcc libnetfilter-queue-dev libmnl-dev \
iptables iproute2 conntrack ethtool iperf3 curl python3 tcpdump tshark libndpi-bin)"
}

# build_tools: compiles the C tools into $BENCH_BUILD when a source is newer than its binary
build_tools() {
  require_tools gcc
  [[ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h && -f /usr/include/libmnl/libmnl.h ]] \
    || die "missing headers: apt-get install libnetfilter-queue-dev libmnl-dev"
  mkdir -p "$BENCH_BUILD"
  local t libs
  for t in nfq-consumer udpgen qdrain udpping; do
    libs=""
    [[ $t == nfq-consumer ]] && libs="-lnetfilter_queue -lmnl"
    if [[ ! -x $BENCH_BUILD/$t || $BENCH_HOME/$t.c -nt $BENCH_BUILD/$t ]]; then
      # shellcheck disable=SC2086 # libs is a list
      gcc -O2 -Wall -Wextra -Werror -o "$BENCH_BUILD/$t" "$BENCH_HOME/$t.c" $libs || die "gcc failed on $t.c"
    fi
  done
}

# build_btblocker: builds the reactor (if needed) outside any measurement
# (BENCH_SKIP_BUILD=1: the caller has just built it, as the smoke test's reactor build has)
build_btblocker() {
  [[ ${BENCH_SKIP_BUILD:-0} == 1 ]] || "$BTBLOCKER" detectors >/dev/null || die "cannot build or run $BTBLOCKER"
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

# ------------------------------------------------------------------------------------------------ processes, cleanup

# spawn NAME NS CMD...: a background process in a namespace (its own process group), output in $WORK/NAME.log;
# sets SPAWNED to its pid (ip netns exec and ./btblocker both exec, so that is the program's own pid)
spawn() {
  local name=$1 ns=$2
  shift 2
  setsid ip netns exec "$ns" "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  SPAWNED=$!
  BENCH_PIDS+=("$SPAWNED")
}

# stop_pid PID: TERM (and CONT, in case it is stopped), then KILL after 10 s
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? pid ns
  trap - EXIT INT TERM
  for pid in "${BENCH_PIDS[@]}"; do stop_pid "$pid"; done
  for ns in "$C" "$G" "$S"; do
    # anything still inside our namespaces was started by this script
    { ip netns pids "$ns" 2>/dev/null || true; } | while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --------------------------------------------------------------------------------------------------------- topology

topology() {
  local ns
  for ns in "$C" "$G" "$S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  ip link add "$CIF" netns "$C" type veth peer name "$LAN" netns "$G"
  ip link add "$SIF" netns "$S" type veth peer name "$WAN" netns "$G"
  ip -n "$C" addr add "$CLIENT4/24" dev "$CIF"
  ip -n "$G" addr add "$GW_LAN4/24" dev "$LAN"
  ip -n "$G" addr add "$GW_WAN4/24" dev "$WAN"
  ip -n "$S" addr add "$SERVER4/24" dev "$SIF"
  ip -n "$C" link set "$CIF" up
  ip -n "$G" link set "$LAN" up
  ip -n "$G" link set "$WAN" up
  ip -n "$S" link set "$SIF" up
  ip -n "$C" route add default via "$GW_LAN4"
  ip -n "$S" route add default via "$GW_WAN4"
  ip -n "$G" route add 10.94.0.0/16 via "$CLIENT4"
  ip netns exec "$G" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
    "net.ipv4.conf.$LAN.rp_filter=0" "net.ipv4.conf.$WAN.rp_filter=0"
  ip netns exec "$S" iptables -A INPUT -p udp --dport 7 -j ACCEPT
  ip netns exec "$S" iptables -A INPUT -p udp -j DROP
  # resolve every neighbour now: packets sent while ARP is pending are dropped, which would spoil a first round
  local i
  for ((i = 0; i < 20; i++)); do
    ip netns exec "$C" bash -c "echo arp >/dev/udp/$SERVER4/9" 2>/dev/null || true
    sleep 0.1
    (($(delivered) > 0)) && return 0
  done
  die "the namespace gateway does not forward"
}

# offloads on|off: TSO/GSO/GRO on every veth end (on: the veth defaults; off: MTU-sized packets everywhere)
offloads() {
  local state=$1 pair
  for pair in "$C:$CIF" "$G:$LAN" "$G:$WAN" "$S:$SIF"; do
    ip netns exec "${pair%%:*}" ethtool -K "${pair#*:}" tso "$state" gso "$state" gro "$state" 2>/dev/null \
      || ip netns exec "${pair%%:*}" ethtool -K "${pair#*:}" tso "$state" gso "$state" >/dev/null
  done
}

# delivered: UDP datagrams the server has dropped (= received) so far
delivered() {
  ip netns exec "$S" iptables -nvxL INPUT | awk '$3 == "DROP" && ($4 == "udp" || $4 == "17") {print $1; exit}'
}

flush_conntrack() { ip netns exec "$G" conntrack -F >/dev/null 2>&1 || true; }

# -------------------------------------------------------------------------------------------------------- consumers

# reference_rules QUEUESPEC: the C consumer's rules, one pass per packet: a decided (clean-marked) connection is
# accepted first, everything else TCP/UDP is queued; the verdict's mark is saved to the connection in filter.
reference_rules() {
  local q=$1
  ip netns exec "$G" iptables -t mangle -A FORWARD -m connmark --mark 0x1/0x3 -j ACCEPT
  # shellcheck disable=SC2086 # q is a list of NFQUEUE options
  ip netns exec "$G" iptables -t mangle -A FORWARD -p tcp -j NFQUEUE $q --queue-bypass
  # shellcheck disable=SC2086
  ip netns exec "$G" iptables -t mangle -A FORWARD -p udp -j NFQUEUE $q --queue-bypass
  ip netns exec "$G" iptables -t filter -I FORWARD -m mark --mark 0x1/0x3 -j CONNMARK --save-mark --mask 0x3
}

clear_rules() {
  ip netns exec "$G" iptables -t mangle -F FORWARD
  ip netns exec "$G" iptables -t filter -F FORWARD
}

# queue_bound Q: true once queue Q of the gateway is bound
queue_bound() { ip netns exec "$G" awk -v q="$1" '$1 == q {f = 1} END {exit !f}' /proc/net/netfilter/nfnetlink_queue; }

# start_reference MODE QUEUE [CPU [OPTION...]]: the C consumer on queue QUEUE (rules are separate); sets SPAWNED
start_reference() {
  local mode=$1 q=$2 cpu=${3:-}
  shift 2
  (($#)) && shift
  local pin=()
  [[ -n $cpu ]] && pin=(taskset -c "$cpu")
  spawn "nfq-$mode-$q" "$G" "${pin[@]}" "$BENCH_BUILD/nfq-consumer" -q "$q" -m "$mode" -l 65536 "$@"
  local i
  for ((i = 0; i < 100; i++)); do queue_bound "$q" && return 0; sleep 0.05; done
  cat "$WORK/nfq-$mode-$q.log" >&2
  die "the C consumer did not bind queue $q"
}

# btblocker_rules_in: true once the daemon's rules are in: a jump to its chains in mangle and in filter FORWARD in
# both families (its chains are filled first, the jumps come last), and the rule set unchanged for 0.5 s
btblocker_rules_in() {
  local t before
  for t in iptables ip6tables; do
    ip netns exec "$G" "$t" -t mangle -S FORWARD 2>/dev/null | grep -q -- "-j BTBLOCKER" || return 1
    ip netns exec "$G" "$t" -S FORWARD 2>/dev/null | grep -q -- "-j BTBLOCKER" || return 1
  done
  before=$(ip netns exec "$G" nft list ruleset 2>/dev/null | wc -l)
  sleep 0.5
  [[ $before == "$(ip netns exec "$G" nft list ruleset 2>/dev/null | wc -l)" ]]
}

# start_btblocker CPU_LIST QUEUE_COUNT [--set K=V ...]: `btblocker run` on the gateway with the bench settings
# (every port inspected, queue.maxLength 65536, a receive buffer that holds a full queue);
# waits until its queues are bound and its rules are in; sets SPAWNED (the JVM's pid) and BTBLOCKER_LOG
start_btblocker() {
  local cpus=$1 count=$2
  shift 2
  cat >"$WORK/bench.conf" <<CONF
btblocker {
  interfaces = ["$LAN", "$WAN"]
  # our own instance lock, control socket and ban journal: other daemons (tests, other runs) may be running
  runtimeDirectory = "$WORK/run"
  stateDirectory = "$WORK/state"
  whitelistPorts = []
  # the default ipset sink, so its drop rule is in the path as in production (sets are per namespace); nobody is
  # banned unless a script asks for it
  ban.target = none
  queue.count = $count
  # one queue set for TCP and UDP alike, as the C reference has: the drain fills queue 0 with UDP
  queue.separateUdp = false
  queue.maxLength = 65536
  queue.receiveBuffer = 256 MiB
}
CONF
  local pin=()
  [[ -n $cpus ]] && pin=(taskset -c "$cpus")
  spawn btblocker "$G" "${pin[@]}" "$BTBLOCKER" run --config "$WORK/bench.conf" "$@"
  BTBLOCKER_LOG=$WORK/btblocker.log
  local i q ready
  for ((i = 0; i < 600; i++)); do
    kill -0 "$SPAWNED" 2>/dev/null || { cat "$BTBLOCKER_LOG" >&2; die "btblocker run exited"; }
    ready=1
    for ((q = 0; q < count; q++)); do queue_bound "$q" || ready=0; done
    ((ready)) && btblocker_rules_in && return 0
    sleep 0.1
  done
  cat "$BTBLOCKER_LOG" >&2
  die "btblocker run did not bind its queues within 60 s"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --------------------------------------------------------------------------------------------------------- printing

# median V...: the median of numbers
median() {
  printf '%s\n' "$@" | sort -g \
    | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# ratio NAME A B: prints "ratio NAME: A/B" (the line the smoke test and the docs look for)
ratio() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN {printf "ratio %s: %.2f\n", n, (b > 0 ? a / b : 0)}'; }

# result NAME VALUE UNIT [NOTE]: one aligned result line
result() { printf '%-52s %14s %s\n' "$1" "$2" "$3${4:+  ($4)}"; }

# ------------------------------------------------------------------------------------------------------ drain round

# drain_round PIDS QUEUES COUNT GENERATOR_ARGS...: holds the consumers (SIGSTOP, comma separated PIDS), fills their
# queues (comma separated QUEUES) with COUNT datagrams from the client, releases them and times the drain (qdrain).
# Prints the packets/s; the qdrain line goes to $WORK/drain.last.
drain_round() {
  local pids=$1 queues=$2 count=$3 pid
  shift 3
  flush_conntrack
  for pid in ${pids//,/ }; do kill -STOP "$pid"; done
  ip netns exec "$C" taskset -c 0 "$BENCH_BUILD/udpgen" -d "$SERVER4" -n "$count" -r 250000 "$@" >"$WORK/gen.last"
  local perf=""
  if [[ -n ${BENCH_PERF:-} ]]; then # count the consumer's system calls and CPU time during the drain
    perf stat -x, -e raw_syscalls:sys_enter,task-clock -p "$pids" -o "$WORK/perf.last" &
    perf=$!
    sleep 0.3
  fi
  if ! ip netns exec "$G" taskset -c 0 "$BENCH_BUILD/qdrain" -q "$queues" -p "$pids" >"$WORK/drain.last"; then
    for pid in ${pids//,/ }; do kill -CONT "$pid" 2>/dev/null || true; done
    die "drain failed: $(cat "$WORK/gen.last")"
  fi
  if [[ -n $perf ]]; then
    kill -INT "$perf"
    wait "$perf" || true
    awk -F, -v n="$(awk '{print $2}' "$WORK/drain.last")" '$3 == "raw_syscalls:sys_enter" {s = $1}
      $3 == "task-clock" {c = $1}
      END {printf "perf: %.2f system calls and %.2f us CPU per packet\n", s / n, c * 1000 / n}' \
      "$WORK/perf.last" >&2
  fi
  awk '{print $2, $(NF - 1)}' "$WORK/drain.last"   # "FILLED PPS"
}

# ------------------------------------------------------------------------------------- interleaved configurations
# The machine is shared and its load drifts, so the scripts measure round by round: in each round every
# configuration is set up, measured and torn down in turn, and the medians over the rounds are compared.

# consumer_up NAME CPU [OPTION...]: sets up one configuration of the gateway; NAME is one of
#   "no NFQUEUE rule"  nothing (conntrack stays off in the gateway)
#   "conntrack only"   one ctstate rule: what any stateful gateway pays
#   "C batch", "C packet"  the C reference on queue 0 with its one-pass rules (OPTIONs go to nfq-consumer)
#   "btblocker"        btblocker run on queue 0 (OPTIONs are --set KEY=VALUE pairs)
# CPU ("" = any) pins the consumer. Sets CONSUMER_PID (empty when there is none).
consumer_up() {
  local name=$1 cpu=$2
  shift 2
  CONSUMER_PID=""
  case $name in
    "no NFQUEUE rule") ;;
    "conntrack only") ip netns exec "$G" iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP ;;
    "C batch" | "C packet")
      reference_rules "--queue-num 0"
      start_reference "${name#C }" 0 "$cpu" "$@"
      CONSUMER_PID=$SPAWNED
      ;;
    btblocker)
      start_btblocker "$cpu" 1 "$@"
      CONSUMER_PID=$SPAWNED
      ;;
    *) die "unknown configuration $name" ;;
  esac
}

# consumer_down: undoes consumer_up
consumer_down() {
  [[ -n $CONSUMER_PID ]] && stop_pid "$CONSUMER_PID"
  CONSUMER_PID=""
  clear_rules
  flush_conntrack
}

declare -A SAMPLES
# sample KEY VALUE: one more measurement of KEY
sample() { SAMPLES[$1]="${SAMPLES[$1]:-}${SAMPLES[$1]:+ }$2"; }
# med KEY: the median of KEY's samples
med() {
  local v
  read -r -a v <<<"${SAMPLES[$1]}"
  median "${v[@]}"
}
# report KEY UNIT [NOTE]: the median of KEY with its runs
report() { result "$1" "$(med "$1")" "$2" "median of $(wc -w <<<"${SAMPLES[$1]}"), runs: ${SAMPLES[$1]}${3:+; $3}"; }
