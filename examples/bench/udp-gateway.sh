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
# what the server counts is what was inspected. ROUNDS (default 3) rounds, each setting up every configuration in
# turn, with one run of S seconds (default 3) per kind of traffic; medians are compared. --quick: one round of 0.5 s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds=3 rounds=3 payload=64
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --payload) payload=$2; shift 2 ;;
    --quick) seconds=0.5 rounds=1; shift ;;
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

configs=("no NFQUEUE rule" "C batch" btblocker)
# send NAME KIND [SECONDS]: one run of the generator; adds a sample to "udp KIND 5-tuple, NAME" (none without NAME)
send() {
  local name=$1 kind=$2 secs=${3:-$seconds} before after
  flush_conntrack
  before=$(delivered)
  ip netns exec "$C" taskset -c 0 "$BENCH_BUILD/udpgen" -d "$SERVER4" -t "$secs" -f "$kind" \
    -o "$(( (RANDOM * 32768 + RANDOM) * 64 ))" -l "$payload" >"$WORK/gen.last"
  sleep 0.2 # the last verdicts
  after=$(delivered)
  [[ -n $name ]] || return 0
  sample "udp $kind 5-tuple, $name" \
    "$(awk -v a="$after" -v b="$before" -v s="$secs" 'BEGIN {printf "%.0f", (a - b) / s}')"
  sample "offered $kind $name" "$(awk '{printf "%.0f", $(NF - 6)}' "$WORK/gen.last")"
}

for ((r = 1; r <= rounds; r++)); do
  for name in "${configs[@]}"; do
    case $name in
      "C batch") consumer_up "$name" 1 -x ;;
      btblocker)
        consumer_up "$name" 1 --set btblocker.queue.failOpen=false
        send "" new 1 # the JVM compiles its packet path first: warm it up unmeasured
        ;;
      *) consumer_up "$name" 1 ;;
    esac
    for kind in fixed new; do send "$name" "$kind"; done
    consumer_down
  done
  log "round $r done, load $(load)"
done

log "load after: $(load)"
for kind in fixed new; do
  for name in "${configs[@]}"; do
    report "udp $kind 5-tuple, $name" "packets/s delivered" "offered $(med "offered $kind $name")/s"
  done
done
for kind in fixed new; do
  k="udp $kind 5-tuple"
  ratio "udp $kind btblocker/C-batch" "$(med "$k, btblocker")" "$(med "$k, C batch")"
  ratio "udp $kind btblocker/no-rule" "$(med "$k, btblocker")" "$(med "$k, no NFQUEUE rule")"
done
