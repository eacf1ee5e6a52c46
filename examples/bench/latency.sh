#!/usr/bin/env bash
# Added latency of the first packets of a flow: round-trip times of UDP echoes through the namespace gateway, each
# flow from a new source port, with no NFQUEUE rule, with the C reference consumer and with `btblocker run`. Until a
# flow is decided both directions go through the queue, so a new flow's first round trip crosses the consumer twice.
#
#   sudo examples/bench/latency.sh [--flows N] [--packets K] [--quick]
#
# FLOWS (default 2,000) flows of K (default 4) echoes each; prints p50/p99 of the first round trip and of the later
# ones, the p50/p99 added over no rule, and btblocker's added first-packet p50/p99 against the C consumer's.
# --quick: 100 flows.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flows=2000 packets=4
while (($#)); do
  case $1 in
    --flows) flows=$2; shift 2 ;;
    --packets) packets=$2; shift 2 ;;
    --quick) flows=100; shift ;;
    -h | --help) usage_from_header; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
require_root
require_tools ip iptables conntrack java
build_tools
build_btblocker
topology
spawn echo "$S" "$BENCH_BUILD/udpping" -e -P 7
log "load before: $(load)"

declare -A F50 F99 L50 L99
base=20000
# measure NAME: one client run; sets F50/F99/L50/L99[NAME]
measure() {
  local name=$1 out
  flush_conntrack
  out=$(ip netns exec "$C" "$BENCH_BUILD/udpping" -d "$SERVER4" -P 7 -f "$flows" -k "$packets" -S "$base")
  base=$((base + flows))
  local f50 f99 l50 l99 lost
  read -r _ _ f50 _ _ f99 _ _ _ l50 _ _ l99 _ _ lost <<<"${out//;/}"
  F50[$name]=$f50 F99[$name]=$f99 L50[$name]=$l50 L99[$name]=$l99
  result "latency first packet, $name" "${F50[$name]} / ${F99[$name]}" "us p50 / p99" "$flows flows, lost $lost"
  result "latency later packets, $name" "${L50[$name]} / ${L99[$name]}" "us p50 / p99"
}

measure "no NFQUEUE rule"

reference_rules "--queue-num 0"
start_reference batch 0
measure "C batch"
stop_pid "$SPAWNED"
clear_rules

start_btblocker "" 1
measure "btblocker warm-up" >/dev/null
measure btblocker
stop_pid "$SPAWNED"

log "load after: $(load)"
added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a - b}'; }
n="no NFQUEUE rule"
for who in "C batch" btblocker; do
  result "added first-packet round trip, $who" \
    "$(added "${F50[$who]}" "${F50[$n]}") / $(added "${F99[$who]}" "${F99[$n]}")" "us p50 / p99"
done
ratio "latency added first-packet p50 btblocker/C-batch" "$(added "${F50[btblocker]}" "${F50[$n]}")" \
  "$(added "${F50[C batch]}" "${F50[$n]}")"
ratio "latency added first-packet p99 btblocker/C-batch" "$(added "${F99[btblocker]}" "${F99[$n]}")" \
  "$(added "${F99[C batch]}" "${F99[$n]}")"
