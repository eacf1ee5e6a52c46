#!/usr/bin/env bash
# Bulk TCP through the namespace gateway (iperf3, one stream client -> server), with the veth offloads on (TSO/GSO:
# 64 KiB super-packets) and off (MTU-sized packets), for: no rule at all, conntrack only (one ctstate rule: what any
# stateful gateway pays), the C reference consumer (its one-pass connmark rules) and `btblocker run`.
#
#   sudo examples/bench/tcp-bulk.sh [--seconds S] [--rounds N] [--quick]
#
# Medians of ROUNDS (default 3) iperf3 runs of S seconds (default 5); --quick: one round of 1 s. Prints Gbit/s
# received and the ratios of btblocker and of the C consumer against no rule.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds=5 rounds=3
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --quick) seconds=1 rounds=1; shift ;;
    -h | --help) usage_from_header; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
require_root
require_tools ip iptables conntrack ethtool iperf3 python3 java
build_tools
build_btblocker
topology
spawn iperf3-server "$S" iperf3 -s -B "$SERVER4" -p 5201
for ((i = 0; i < 50; i++)); do ip netns exec "$S" ss -ltn | grep -q ":5201 " && break; sleep 0.1; done
log "load before: $(load)"

declare -A GBPS
# measure NAME: ROUNDS iperf3 runs with offloads on, then off; sets GBPS[on|off.NAME]
measure() {
  local name=$1 state r
  for state in on off; do
    offloads "$state"
    local v=()
    for ((r = 1; r <= rounds; r++)); do
      flush_conntrack
      ip netns exec "$C" iperf3 -c "$SERVER4" -p 5201 -t "$seconds" -J >"$WORK/iperf.json" \
        || { cat "$WORK/iperf.json" >&2; die "iperf3 failed ($name, offloads $state)"; }
      v+=("$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]
            ["bits_per_second"] / 1e9))' "$WORK/iperf.json")")
    done
    GBPS[$state.$name]=$(median "${v[@]}")
    result "tcp offloads $state, $name" "${GBPS[$state.$name]}" "Gbit/s" "median of $rounds, runs: ${v[*]}"
  done
  offloads on
}

measure "no rule"

ip netns exec "$G" iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP
measure "conntrack only"
clear_rules

reference_rules "--queue-num 0"
start_reference batch 0
measure "C batch"
stop_pid "$SPAWNED"
clear_rules

start_btblocker "" 1
measure btblocker
ip netns exec "$G" iptables -t mangle -nvxL >"$WORK/btblocker-counters.txt" 2>&1 || true
stop_pid "$SPAWNED"

log "load after: $(load)"
for state in on off; do
  ratio "tcp offloads $state btblocker/no-rule" "${GBPS[$state.btblocker]}" "${GBPS[$state.no rule]}"
  ratio "tcp offloads $state C-batch/no-rule" "${GBPS[$state.C batch]}" "${GBPS[$state.no rule]}"
  ratio "tcp offloads $state btblocker/C-batch" "${GBPS[$state.btblocker]}" "${GBPS[$state.C batch]}"
done
