#!/usr/bin/env bash
# Bulk TCP through the namespace gateway (iperf3, one stream client -> server), with the veth offloads on (TSO/GSO:
# 64 KiB super-packets) and off (MTU-sized packets), for: no rule at all, conntrack only (one ctstate rule: what any
# stateful gateway pays), the C reference consumer (its one-pass connmark rules) and `btblocker run`.
#
#   sudo examples/bench/tcp-bulk.sh [--seconds S] [--rounds N] [--quick]
#
# ROUNDS (default 3) rounds, each setting up every configuration in turn (so drifting load hits all alike), with
# one iperf3 run of S seconds (default 5) per offload state; --quick: one round of 1 s. Prints the median Gbit/s
# received and the ratios of btblocker and of the C consumer against no rule.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds=5 rounds=3 warm=2
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --quick) seconds=1 rounds=1 warm=0; shift ;;
    -h | --help) usage_from_header; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
require_root
require_tools ip iptables conntrack ethtool iperf3 java "$PY"
build_tools
build_btblocker
topology
spawn iperf3-server "$S" iperf3 -s -B "$SERVER4" -p 5201
for ((i = 0; i < 50; i++)); do ip netns exec "$S" ss -ltn | grep -q ":5201 " && break; sleep 0.1; done
log "load before: $(load)"

configs=("no rule" "conntrack only" "C batch" btblocker)
# iperf NAME STATE: one iperf3 run; adds a sample to "tcp offloads STATE, NAME"
iperf() {
  local name=$1 state=$2
  ip netns exec "$C" iperf3 -c "$SERVER4" -p 5201 -t "$seconds" -J >"$WORK/iperf.json" \
    || { cat "$WORK/iperf.json" >&2; die "iperf3 failed ($name, offloads $state)"; }
  sample "tcp offloads $state, $name" "$("$PY" -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))
        ["end"]["sum_received"]["bits_per_second"] / 1e9))' "$WORK/iperf.json")"
}

for ((r = 1; r <= rounds; r++)); do
  for name in "${configs[@]}"; do
    consumer_up "${name/#no rule/no NFQUEUE rule}" ""
    # the JVM compiles its packet path during the first second or two: warm it up unmeasured
    [[ $name == btblocker && $warm != 0 ]] && ip netns exec "$C" iperf3 -c "$SERVER4" -p 5201 -t "$warm" >/dev/null
    for state in on off; do
      offloads "$state"
      iperf "$name" "$state"
    done
    offloads on
    if [[ $name == btblocker && $r == 1 ]]; then
      ip netns exec "$G" iptables -t mangle -nvxL >"$WORK/btblocker-counters.txt" 2>&1 || true
    fi
    consumer_down
  done
  log "round $r done, load $(load)"
done

log "load after: $(load)"
for state in on off; do
  for name in "${configs[@]}"; do report "tcp offloads $state, $name" "Gbit/s"; done
done
for state in on off; do
  k="tcp offloads $state"
  ratio "$k btblocker/no-rule" "$(med "$k, btblocker")" "$(med "$k, no rule")"
  ratio "$k C-batch/no-rule" "$(med "$k, C batch")" "$(med "$k, no rule")"
  ratio "$k btblocker/C-batch" "$(med "$k, btblocker")" "$(med "$k, C batch")"
done
