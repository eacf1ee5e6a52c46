#!/usr/bin/env bash
# One queue against two (--queue-balance) on the machine's 2 cores: the drain test of drain.sh with every datagram a
# new flow from one of 256 source addresses (the kernel balances queues by address pair), for the C reference (batch
# mode; one process per queue, pinned to CPU 0 and 1) and for `btblocker run` with queue.count = 1 and 2.
#
#   sudo examples/bench/queues.sh [--rounds N] [--packets N] [--quick]
#
# PACKETS (default 70,000) datagrams per queue fill each queue up to its 65,536 cap; the drain of all queues together
# is timed. One warm-up round, then ROUNDS (default 5); prints the medians and the ratios 2 queues / 1 queue.
# --quick: 2,000 packets, one round.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

rounds=5 packets=70000 warmup=1
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --packets) packets=$2; shift 2 ;;
    --quick) rounds=1 packets=2000 warmup=0; shift ;;
    -h | --help) usage_from_header; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
require_root
require_tools ip iptables conntrack taskset java
build_tools
build_btblocker
topology
log "load before: $(load)"

declare -A PPS
# measure NAME PIDS QUEUES: warm-up + rounds; sets PPS[NAME]
measure() {
  local name=$1 pids=$2 queues=$3 r out offset n
  n=$(( packets * (${#queues} + 1) / 2 ))
  local v=() f=()
  for ((r = 1 - warmup; r <= rounds; r++)); do
    offset=$(( (RANDOM * 32768 + RANDOM) * 256 ))
    out=$(drain_round "$pids" "$queues" "$n" -f new -s "$SPOOF4" -a 256 -o "$offset")
    ((r >= 1)) || continue
    f+=("${out% *}")
    v+=("${out#* }")
  done
  PPS[$name]=$(median "${v[@]}")
  result "drain new flows, $name" "${PPS[$name]}" "packets/s" \
    "median of $rounds, $(median "${f[@]}") queued, runs: ${v[*]}"
}

reference_rules "--queue-num 0"
start_reference batch 0
measure "C, 1 queue" "$SPAWNED" 0
stop_pid "$SPAWNED"
clear_rules

reference_rules "--queue-balance 0:1"
start_reference batch 0 0
c0=$SPAWNED
start_reference batch 1 1
measure "C, 2 queues" "$c0,$SPAWNED" 0,1
stop_pid "$c0"
stop_pid "$SPAWNED"
clear_rules

start_btblocker "" 1
measure "btblocker, 1 queue" "$SPAWNED" 0
stop_pid "$SPAWNED"

start_btblocker "" 2
measure "btblocker, 2 queues" "$SPAWNED" 0,1
stop_pid "$SPAWNED"

if [[ -n ${BENCH_BASELINE:-} ]]; then
  BTBLOCKER=$BENCH_BASELINE start_btblocker "" 1
  measure "baseline, 1 queue" "$SPAWNED" 0
  stop_pid "$SPAWNED"
  BTBLOCKER=$BENCH_BASELINE start_btblocker "" 2
  measure "baseline, 2 queues" "$SPAWNED" 0,1
  stop_pid "$SPAWNED"
fi

log "load after: $(load)"
ratio "queues btblocker 2/1" "${PPS[btblocker, 2 queues]}" "${PPS[btblocker, 1 queue]}"
ratio "queues C 2/1" "${PPS[C, 2 queues]}" "${PPS[C, 1 queue]}"
ratio "queues btblocker/C with 2 queues" "${PPS[btblocker, 2 queues]}" "${PPS[C, 2 queues]}"
if [[ -n ${BENCH_BASELINE:-} ]]; then
  ratio "queues baseline 2/1" "${PPS[baseline, 2 queues]}" "${PPS[baseline, 1 queue]}"
fi
