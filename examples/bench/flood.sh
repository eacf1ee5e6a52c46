#!/usr/bin/env bash
# Memory and flood: `btblocker run` on the namespace gateway with a 1 M flow table, its resident memory (the whole
# JVM process, VmRSS) with the table full, then a flood of random 5-tuples while HTTP downloads run through the same
# gateway.
#
#   sudo examples/bench/flood.sh [--flows N] [--flood N] [--quick]
#
# 1. flowTable.maxFlows = FLOWS: the client sends FLOWS (default 1,100,000) datagrams, each a new flow, at
#    100,000/s; RSS is read before and after, and the engine's active flow count from the daemon's stats line
#    (the table holds exactly maxFlows flows).
# 2. FLOOD (default 10,000,000) datagrams with random source address (10.94.0.0/16), source and destination ports,
#    as fast as the client can send, while the client downloads a 32 MiB file over HTTP from the server again and
#    again (each compared byte for byte). RSS is sampled every second. The real ipset sink is on: nothing may be
#    banned. Prints the flood's packets/s, the RSS series, the transfers and the bans.
# --quick: 20,000 flows, 50,000 flood datagrams.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flows=1100000 flood=10000000
while (($#)); do
  case $1 in
    --flows) flows=$2; shift 2 ;;
    --flood) flood=$2; shift 2 ;;
    --quick) flows=20000 flood=50000; shift ;;
    -h | --help) usage_from_header; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
require_root
require_tools ip iptables ipset curl sha256sum java "$PY"
build_tools
build_btblocker
topology
mkdir -p "$WORK/www"
head -c $((32 << 20)) /dev/urandom >"$WORK/www/file.bin"
want=$(sha256sum <"$WORK/www/file.bin")
spawn http "$S" "$PY" -m http.server --bind "$SERVER4" --directory "$WORK/www" 8080
log "load before: $(load)"

max_flows=$((flows > 1024 ? flows : 1024))
start_btblocker "" 1 --set btblocker.flowTable.maxFlows=$max_flows --set btblocker.flowTable.udpIdleTimeout=30m \
  --set btblocker.statsInterval=2s --set btblocker.banSink=ipset --set btblocker.ban.target=source \
  --set btblocker.ipsetName=bbflood
daemon=$SPAWNED
sleep 2
rss_idle=$(rss_kib "$daemon")
active_flows() { grep -o 'flows [0-9]* active' "$BTBLOCKER_LOG" | tail -1 | awk '{print $2}'; }

# ---- 1: the table full
ip netns exec "$C" "$BENCH_BUILD/udpgen" -d "$SERVER4" -f new -s "$SPOOF4" -a 256 -n "$flows" -r 100000 \
  >"$WORK/fill.txt"
sleep 3 # one stats line after the last packet
rss_full=$(rss_kib "$daemon")
table=$(active_flows)
result "RSS idle (whole process)" "$((rss_idle / 1024))" "MiB"
result "RSS with the flow table full" "$((rss_full / 1024))" "MiB" "${table:-?} active flows; $(cat "$WORK/fill.txt")"

# ---- 2: the flood, downloads and RSS samples alongside
(
  while :; do
    printf '%s %s\n' "$(date +%s)" "$(rss_kib "$daemon")"
    sleep 1
  done
) >"$WORK/rss.txt" &
sampler=$!
BENCH_PIDS+=("$sampler")
(
  ok=0 bad=0
  while [[ ! -f $WORK/flood.done ]]; do
    if got=$(ip netns exec "$C" curl -sf --max-time 60 "http://$SERVER4:8080/file.bin" | sha256sum) \
      && [[ $got == "$want" ]]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
  done
  echo "$ok $bad" >"$WORK/transfers.txt"
) &
downloads=$!
BENCH_PIDS+=("$downloads")
before=$(delivered)
ip netns exec "$C" "$BENCH_BUILD/udpgen" -d "$SERVER4" -f random -s 10.94.0.0 -a 65536 -n "$flood" \
  -o "$RANDOM" >"$WORK/flood.txt"
touch "$WORK/flood.done"
wait "$downloads" || true
sleep 1.5
kill "$sampler" 2>/dev/null || true
after=$(delivered)
read -r ok bad <"$WORK/transfers.txt"
secs=$(awk '{print $5}' "$WORK/flood.txt")
bans4=$(ip netns exec "$G" ipset list bbflood -t 2>/dev/null | awk -F': ' '/Number of entries/ {print $2}')
bans6=$(ip netns exec "$G" ipset list bbflood6 -t 2>/dev/null | awk -F': ' '/Number of entries/ {print $2}')
blocks=$(grep -c 'BLOCK ' "$BTBLOCKER_LOG" || true)
rss_series=$(awk '{printf "%d ", $2 / 1024}' "$WORK/rss.txt")
rss_max=$(awk 'BEGIN {m = 0} {if ($2 > m) m = $2} END {print int(m / 1024)}' "$WORK/rss.txt")
stop_pid "$daemon"

log "load after: $(load)"
result "flood offered" "$(awk '{print $(NF - 6)}' "$WORK/flood.txt")" "packets/s" "$(cat "$WORK/flood.txt")"
result "flood delivered to the server" "$(awk -v a="$after" -v b="$before" -v s="$secs" \
  'BEGIN {printf "%.0f", (a - b) / s}')" "packets/s"
result "RSS during the flood, max" "$rss_max" "MiB" "per second: $rss_series"
result "HTTP downloads during the flood" "$ok byte-exact, $bad failed" ""
result "bans after the flood" "$((${bans4:-0} + ${bans6:-0}))" "addresses" "$blocks BLOCK lines"
ratio "flood RSS max/full-table" "$rss_max" "$((rss_full / 1024))"
ratio "memory RSS full-table/256MiB" "$((rss_full / 1024))" 256
