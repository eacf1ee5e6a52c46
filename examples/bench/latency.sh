#!/usr/bin/env bash
# Added latency of the first packets of a flow: round-trip times of UDP echoes through the namespace gateway, each
# flow from a new source port, with no NFQUEUE rule, with the C reference consumer and with `btblocker run`. Until a
# flow is decided both directions go through the queue, so a new flow's first round trip crosses the consumer twice.
#
#   sudo examples/bench/latency.sh [--flows N] [--packets K] [--rounds N] [--quick]
#
# ROUNDS (default 3) rounds, each setting up every configuration in turn, with FLOWS (default 1,000) flows of K
# (default 4) echoes each; prints the medians over the rounds of p50/p99 of the first round trip and of the later
# ones, the p50/p99 added over no rule, and btblocker's added first-packet p50/p99 against the C consumer's.
# --quick: one round of 100 flows.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flows=1000 packets=4 rounds=3
while (($#)); do
  case $1 in
    --flows) flows=$2; shift 2 ;;
    --packets) packets=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --quick) flows=100 rounds=1; shift ;;
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

configs=("no NFQUEUE rule" "C batch" btblocker)
base=20000
# ping NAME: one client run of FLOWS flows; adds samples to "first|later p50|p99 NAME" (none without NAME)
ping() {
  local name=$1 out f50 f99 l50 l99 lost
  flush_conntrack
  out=$(ip netns exec "$C" "$BENCH_BUILD/udpping" -d "$SERVER4" -P 7 -f "$flows" -k "$packets" -S "$base")
  base=$(( base + flows > 60000 ? 20000 : base + flows ))
  [[ -n $name ]] || return 0
  read -r _ _ f50 _ _ f99 _ _ _ l50 _ _ l99 _ _ lost <<<"${out//;/}"
  sample "first p50 $name" "$f50"
  sample "first p99 $name" "$f99"
  sample "later p50 $name" "$l50"
  sample "later p99 $name" "$l99"
  sample "lost $name" "$lost"
}

for ((r = 1; r <= rounds; r++)); do
  for name in "${configs[@]}"; do
    consumer_up "$name" ""
    [[ $name == btblocker ]] && ping "" # the JVM compiles its packet path first: warm it up unmeasured
    ping "$name"
    consumer_down
  done
  log "round $r done, load $(load)"
done

log "load after: $(load)"
added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a - b}'; }
n="no NFQUEUE rule"
for name in "${configs[@]}"; do
  result "latency first packet, $name" "$(med "first p50 $name") / $(med "first p99 $name")" "us p50 / p99" \
    "medians of $rounds x $flows flows, lost $(SAMPLES[x]="${SAMPLES[lost $name]}"; med x)"
  result "latency later packets, $name" "$(med "later p50 $name") / $(med "later p99 $name")" "us p50 / p99"
done
for who in "C batch" btblocker; do
  result "added first-packet round trip, $who" \
    "$(added "$(med "first p50 $who")" "$(med "first p50 $n")") /\
 $(added "$(med "first p99 $who")" "$(med "first p99 $n")")" "us p50 / p99"
done
for p in p50 p99; do
  mine=$(added "$(med "first $p btblocker")" "$(med "first $p $n")")
  theirs=$(added "$(med "first $p C batch")" "$(med "first $p $n")")
  ratio "latency added first-packet $p btblocker/C-batch" "$mine" "$theirs"
done
