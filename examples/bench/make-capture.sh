#!/usr/bin/env bash
# Makes the bulk-transfer capture for ndpi-compare.sh: real transfers through the namespace gateway (no rules on it)
# while tcpdump records the client's interface, veth offloads off so every packet is MTU-sized as on a real link.
#
#   sudo examples/bench/make-capture.sh [--mb N] [--out FILE]
#
# At the same time: an HTTP download (python3 http.server -> curl) of an N MiB file (default 300) and a BitTorrent
# download (libtorrent, plain TCP, seeder on the server, leecher on the client: bt-bulk.py) of another N MiB file.
# Both are checked byte for byte. FILE defaults to examples/bench/target/bulk.pcap (target/ is never committed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mb=300 out=$BENCH_BUILD/bulk.pcap
while (($#)); do
  case $1 in
    --mb) mb=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) usage_from_header; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
require_root
require_tools ip ethtool tcpdump curl sha256sum capinfos "$PY"
"$PY" -c 'import libtorrent' 2>/dev/null || die "missing python3-libtorrent (apt-get install python3-libtorrent)"
mkdir -p "$(dirname "$out")" "$WORK/www" "$WORK/seed" "$WORK/leech"
topology
offloads off
head -c $((mb << 20)) /dev/urandom >"$WORK/www/http.bin"
head -c $((mb << 20)) /dev/urandom >"$WORK/seed/bt.bin"
"$PY" "$ROOT/examples/lab/mktorrent.py" "$WORK/seed/bt.bin" "$WORK/bt.torrent" --piece-size $((256 << 10)) >/dev/null

spawn http "$S" "$PY" -m http.server --bind "$SERVER4" --directory "$WORK/www" 8080
spawn seeder "$S" "$PY" "$BENCH_HOME/bt-bulk.py" seed "$WORK/bt.torrent" "$WORK/seed" --listen "$SERVER4:6881"
seeder=$SPAWNED
for ((i = 0; i < 100; i++)); do grep -q READY "$WORK/seeder.log" && break; sleep 0.1; done
spawn tcpdump "$C" tcpdump -i "$CIF" -s 0 -B 65536 -w "$out" tcp
tcpdump_pid=$SPAWNED
for ((i = 0; i < 50; i++)); do grep -q "listening on" "$WORK/tcpdump.log" && break; sleep 0.1; done

log "transferring $mb MiB over HTTP and $mb MiB over BitTorrent at the same time"
ip netns exec "$C" "$PY" "$BENCH_HOME/bt-bulk.py" leech "$WORK/bt.torrent" "$WORK/leech" --listen "$CLIENT4:6882" \
  --peer "$SERVER4:6881" >"$WORK/leech.txt" &
leech=$!
ip netns exec "$C" curl -sf -o "$WORK/http.got" "http://$SERVER4:8080/http.bin"
wait "$leech" || die "the BitTorrent download did not complete: $(cat "$WORK/leech.txt")"
stop_pid "$tcpdump_pid"
stop_pid "$seeder"
cmp -s "$WORK/www/http.bin" "$WORK/http.got" || die "the HTTP download differs"
cmp -s "$WORK/seed/bt.bin" "$WORK/leech/bt.bin" || die "the BitTorrent download differs"
log "tcpdump: $(grep -E 'captured|dropped by kernel' "$WORK/tcpdump.log" | tr '\n' ' ')"
echo "capture: $out, $(capinfos -c -M -T -r "$out" | awk -F'\t' '{print $2}') packets," \
  "$(($(stat -c %s "$out") >> 20)) MiB (HTTP $mb MiB + BitTorrent $mb MiB, both byte-exact; $(cat "$WORK/leech.txt"))"
