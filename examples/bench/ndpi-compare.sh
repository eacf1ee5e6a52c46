#!/usr/bin/env bash
# Whole-process comparison of `btblocker scan` with nDPI's `ndpiReader -i` (Debian package libndpi-bin, one thread)
# on one large capture, built by repeating a base capture until it has at least MIN_PACKETS packets:
#
#   examples/bench/ndpi-compare.sh [--kind corpus|bulk] [--min-packets N] [--runs N] [--quick] [REPEAT]
#
#   corpus  every Ethernet capture of ../shared/corpus/pcap joined (libpcap reads one link type per file): many
#           short flows of small packets (BTBLOCKER_CORPUS overrides the corpus directory)
#   bulk    the bulk HTTP + BitTorrent transfer capture of make-capture.sh (examples/bench/target/bulk.pcap, made
#           first when missing; that needs root), MTU-sized packets
#
# MIN_PACKETS defaults to 3,000,000; a bare REPEAT (the old interface) repeats the base exactly that often. Best of
# RUNS (default 3) runs of each tool; prints wall time, CPU time and packets/s, then the ratio of packets/s
# btblocker/nDPI (above 1: btblocker is faster). --quick: the first 40 Ethernet captures of the corpus once, one
# run (the CI smoke run). Needs mergecap and capinfos (tshark / wireshark-common) and ndpiReader. The joined
# capture lives in a temporary directory and is deleted at exit.
set -euo pipefail
BENCH_HOME=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_HOME/../.." && pwd)
BENCH_BUILD=${BENCH_BUILD:-$BENCH_HOME/target}
BTBLOCKER=${BTBLOCKER:-$ROOT/btblocker}
corpus=${BTBLOCKER_CORPUS:-$ROOT/../shared/corpus}
kind=corpus min_packets=3000000 runs=3 repeat="" max_files=0
while (($#)); do
  case $1 in
    --kind) kind=$2; shift 2 ;;
    --min-packets) min_packets=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --quick) min_packets=1 runs=1 max_files=40; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    [0-9]*) repeat=$1; shift ;;
    *) echo "ndpi-compare: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in mergecap capinfos ndpiReader; do
  command -v "$tool" >/dev/null \
    || { echo "ndpi-compare: $tool not found (apt-get install tshark libndpi-bin)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/btbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

count() { capinfos -c -M -T -r "$1" | awk -F'\t' '{print $2}'; }
case $kind in
  corpus)
    [[ -d $corpus/pcap ]] || { echo "ndpi-compare: no corpus at $corpus/pcap (set BTBLOCKER_CORPUS)" >&2; exit 2; }
    ether=()
    while IFS= read -r -d '' f; do
      [[ $(capinfos -E -T -r "$f" 2>/dev/null | awk -F'\t' '{print $2}') == ether ]] && ether+=("$f")
      ((max_files == 0 || ${#ether[@]} < max_files)) || break
    done < <(find "$corpus/pcap" -type f -print0 | sort -z)
    mergecap -a -F pcap -w "$work/once.pcap" "${ether[@]}" 2>/dev/null
    base="${#ether[@]} Ethernet captures of the corpus"
    ;;
  bulk)
    if [[ ! -f $BENCH_BUILD/bulk.pcap ]]; then
      [[ $(id -u) == 0 ]] || { echo "ndpi-compare: $BENCH_BUILD/bulk.pcap missing; make it as root" >&2; exit 2; }
      "$BENCH_HOME/make-capture.sh" --out "$BENCH_BUILD/bulk.pcap" >&2
    fi
    ln -s "$BENCH_BUILD/bulk.pcap" "$work/once.pcap"
    base="the bulk HTTP + BitTorrent capture"
    ;;
  *) echo "ndpi-compare: --kind is corpus or bulk" >&2; exit 2 ;;
esac
once=$(count "$work/once.pcap")
[[ -n $repeat ]] || repeat=$(( (min_packets + once - 1) / once ))
copies=()
for ((i = 0; i < repeat; i++)); do copies+=("$work/once.pcap"); done
mergecap -a -F pcap -w "$work/merged.pcap" "${copies[@]}"
packets=$(count "$work/merged.pcap")
size=$(stat -c %s "$work/merged.pcap")
echo "capture: $base x $repeat = $packets packets, $((size >> 20)) MiB"
cat "$work/merged.pcap" >/dev/null # into the page cache for both tools

[[ ${BENCH_SKIP_BUILD:-0} == 1 ]] || "$BTBLOCKER" detectors >/dev/null # build first, outside the measurement
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# measure NAME COMMAND...: best of RUNS runs; sets PPS_<name>
declare -A PPS
measure() {
  local name=$1 best="" run wall user sys
  shift
  for ((run = 1; run <= runs; run++)); do
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" \
      || { cat "$work/err" >&2; echo "ndpi-compare: $name failed" >&2; exit 1; }
    read -r wall user sys <"$work/time"
    if [[ -z $best ]] || awk "BEGIN {exit !($wall < ${best%% *})}"; then best="$wall $user $sys"; fi
  done
  read -r wall user sys <<<"$best"
  PPS[$name]=$(awk -v w="$wall" -v p="$packets" 'BEGIN {printf "%.0f", p / w}')
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v p="${PPS[$name]}" \
    'BEGIN {printf "%-28s wall %6.2f s  cpu %6.2f s  %9d packets/s (wall)\n", n, w, u + s, p}'
}
measure "btblocker scan" "$BTBLOCKER" scan --format table "$work/merged.pcap"
measure "ndpiReader -i (1 thread)" ndpiReader -q -n 1 -i "$work/merged.pcap"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="${PPS[btblocker scan]}" -v b="${PPS[ndpiReader -i (1 thread)]}" -v k="$kind" \
  'BEGIN {printf "ratio scan %s btblocker/ndpiReader packets/s: %.2f\n", k, a / b}'
