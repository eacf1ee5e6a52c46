#!/usr/bin/env bash
# Small-packet UDP through the namespace gateway: packets/s delivered to the server while the client sends as fast as
# it can, with no NFQUEUE rule, with the C reference consumer (batch mode, its one-pass rules) and with `btblocker
# run`, each pinned to CPU 1 (the sender to CPU 0).
#
#   sudo examples/bench/udp-gateway.sh [--seconds S] [--rounds N] [--payload BYTES] [--quick]
#
# Two kinds of traffic: one fixed 5-tuple (the flow is decided at once and its connection mark keeps it out of the
# queue: this measures what the rules cost a decided flow), and a new flow with every datagram (every packet is
# queued and inspected). FAIL_OPEN is off in both consumers, so a packet the consumer could not take is dropped, and
# what the server counts is what was inspected. Medians of ROUNDS (default 3) runs of S seconds (default 3);
# --quick: one round of 1 s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds=3 rounds=3 payload=64
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --payload) payload=$2; shift 2 ;;
    --quick) seconds=1 rounds=1; shift ;;
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
# measure NAME: ROUNDS runs of each kind; sets PPS[KIND.NAME]
measure() {
  local name=$1 kind r before after offset
  for kind in fixed new; do
    local v=() offered=()
    for ((r = 1; r <= rounds; r++)); do
      flush_conntrack
      offset=$(( (RANDOM * 32768 + RANDOM) * 64 ))
      before=$(delivered)
      ip netns exec "$C" taskset -c 0 "$BENCH_BUILD/udpgen" -d "$SERVER4" -t "$seconds" -f "$kind" -o "$offset" \
        -l "$payload" >"$WORK/gen.last"
      sleep 0.2 # the last verdicts
      after=$(delivered)
      v+=("$(awk -v a="$after" -v b="$before" -v s="$seconds" 'BEGIN {printf "%.0f", (a - b) / s}')")
      offered+=("$(awk '{printf "%.0f", $(NF - 6)}' "$WORK/gen.last")")
    done
    PPS[$kind.$name]=$(median "${v[@]}")
    result "udp $kind 5-tuple, $name" "${PPS[$kind.$name]}" "packets/s delivered" \
      "median of $rounds, offered $(median "${offered[@]}")/s, runs: ${v[*]}"
  done
}

measure "no NFQUEUE rule"

reference_rules "--queue-num 0"
start_reference batch 0 1 -x
measure "C batch"
stop_pid "$SPAWNED"
clear_rules

start_btblocker 1 1 --set btblocker.queue.failOpen=false
measure btblocker
stop_pid "$SPAWNED"

log "load after: $(load)"
for kind in fixed new; do
  ratio "udp $kind btblocker/C-batch" "${PPS[$kind.btblocker]}" "${PPS[$kind.C batch]}"
  ratio "udp $kind btblocker/no-rule" "${PPS[$kind.btblocker]}" "${PPS[$kind.no NFQUEUE rule]}"
done
