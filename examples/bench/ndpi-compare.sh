#!/usr/bin/env bash
# Whole-process comparison of `btblocker scan` with nDPI's `ndpiReader -i` (Debian package libndpi-bin) on one large
# capture built from the corpus: every Ethernet capture of ../shared/corpus/pcap concatenated (libpcap reads one link
# type per file), then repeated REPEAT times. Prints wall time, CPU time and packets per second for each tool.
#   examples/bench/ndpi-compare.sh [REPEAT]        (needs: mergecap, capinfos from tshark/wireshark-common, ndpiReader)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${BTBLOCKER_CORPUS:-$root/../shared/corpus}
repeat=${1:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in mergecap capinfos ndpiReader; do
  command -v "$tool" >/dev/null || { echo "ndpi-compare: $tool not found (apt-get install tshark libndpi-bin)" >&2; exit 2; }
done

ether=()
while IFS= read -r -d '' f; do
  [ "$(capinfos -E -T -r "$f" 2>/dev/null | awk -F'\t' '{print $2}')" = ether ] && ether+=("$f")
done < <(find "$corpus/pcap" -type f -print0 | sort -z)
mergecap -a -F pcap -w "$work/once.pcap" "${ether[@]}" 2>/dev/null
copies=()
for _ in $(seq "$repeat"); do copies+=("$work/once.pcap"); done
mergecap -a -F pcap -w "$work/merged.pcap" "${copies[@]}"
packets=$(capinfos -c -M -T -r "$work/merged.pcap" | awk -F'\t' '{print $2}')
size=$(stat -c %s "$work/merged.pcap")
echo "capture: ${#ether[@]} Ethernet captures x $repeat = $packets packets, $((size / 1048576)) MiB"

"$root/btblocker" detectors >/dev/null   # build first, outside the measurement

measure() { # name command...
  local name=$1; shift
  local best=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
    read -r wall user sys < "$work/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < ${best%% *})}"; then best="$wall $user $sys"; fi
  done
  read -r wall user sys <<<"$best"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v p="$packets" \
    'BEGIN{printf "%-28s wall %6.2f s  cpu %6.2f s  %9.0f packets/s (wall)\n", n, w, u + s, p / w}'
  echo "$wall" > "$work/$name.wall"
}

measure "btblocker scan" "$root/btblocker" scan --format table "$work/merged.pcap"
measure "ndpiReader -i (1 thread)" ndpiReader -q -n 1 -i "$work/merged.pcap"
awk -v a="$(cat "$work/btblocker scan.wall")" -v b="$(cat "$work/ndpiReader -i (1 thread).wall")" \
  'BEGIN{printf "ratio ndpiReader/btblocker wall time: %.2f (above 1: btblocker is faster)\n", b / a}'
