#!/usr/bin/env bash
# Consumer-bound drain: how fast a consumer empties a full NFQUEUE queue, btblocker against the C reference.
#
#   sudo examples/bench/drain.sh [--rounds N] [--packets N] [--payload BYTES] [--quick]
#
# On a client -- gateway -- server namespace gateway (see lib.sh), for each consumer in turn (the C reference in
# batch mode, in per-packet mode, then `btblocker run` with queue.maxLength = 65536): the consumer (pinned to CPU 1)
# is stopped with SIGSTOP, the client sends PACKETS (default 70,000) UDP datagrams so the queue fills up to its
# 65,536 cap, then the consumer gets SIGCONT and qdrain times how long the queue takes to empty
# (/proc/net/netfilter/nfnetlink_queue, polled every 50 us). Twice: with one fixed 5-tuple, and with every datagram a
# new flow (full inspection by btblocker). One warm-up round, then ROUNDS (default 5) measured; medians are printed,
# then the ratios against the C consumer's batch mode. --quick: 2,000 packets, one round (the CI smoke run).
# BENCH_BASELINE=PATH also measures another build's launcher (e.g. a copy of main's ./btblocker and its
# btblocker-app/target) in the same run, for a before/after ratio of a change.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

rounds=5 packets=70000 payload=64 warmup=1
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --packets) packets=$2; shift 2 ;;
    --payload) payload=$2; shift 2 ;;
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

# measure NAME PID: warm-up + rounds for both flow kinds; sets PPS_fixed_NAME, PPS_new_NAME
declare -A PPS FILLED
measure() {
  local name=$1 pid=$2 kind r out offset
  for kind in fixed new; do
    local v=() f=()
    for ((r = 1 - warmup; r <= rounds; r++)); do
      offset=$(( (RANDOM * 32768 + RANDOM) * 64 ))
      out=$(drain_round "$pid" 0 "$packets" -f "$kind" -o "$offset" -l "$payload")
      ((r >= 1)) || continue
      f+=("${out% *}")
      v+=("${out#* }")
    done
    PPS[$kind.$name]=$(median "${v[@]}")
    FILLED[$kind.$name]=$(median "${f[@]}")
    result "drain $kind 5-tuple, $name" "${PPS[$kind.$name]}" "packets/s" \
      "median of $rounds, ${FILLED[$kind.$name]} queued, runs: ${v[*]}"
  done
}

for mode in batch packet; do
  reference_rules "--queue-num 0"
  start_reference "$mode" 0 1
  measure "C $mode" "$SPAWNED"
  stop_pid "$SPAWNED"
  clear_rules
done

start_btblocker 1 1
measure btblocker "$SPAWNED"
stop_pid "$SPAWNED"

if [[ -n ${BENCH_BASELINE:-} ]]; then
  BTBLOCKER=$BENCH_BASELINE start_btblocker 1 1
  measure baseline "$SPAWNED"
  stop_pid "$SPAWNED"
fi

log "load after: $(load)"
for kind in fixed new; do
  ratio "drain $kind btblocker/C-batch" "${PPS[$kind.btblocker]}" "${PPS[$kind.C batch]}"
  ratio "drain $kind C-packet/C-batch" "${PPS[$kind.C packet]}" "${PPS[$kind.C batch]}"
  if [[ -n ${BENCH_BASELINE:-} ]]; then
    ratio "drain $kind baseline/C-batch" "${PPS[$kind.baseline]}" "${PPS[$kind.C batch]}"
    ratio "drain $kind btblocker/baseline" "${PPS[$kind.btblocker]}" "${PPS[$kind.baseline]}"
  fi
done
