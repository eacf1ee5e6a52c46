#!/usr/bin/env bash
# A stand-in for the btblocker daemon, to self-test lab.sh's blocked mode without Java:
#   GATEWAY_CMD="$PWD/fake-gateway.sh" ./lab.sh
# Runs inside the gateway namespace (lab.sh puts it there). It bans the client side of any packet that carries the
# plaintext BitTorrent handshake or a DHT query header, so it blocks the plaintext scenarios and misses the encrypted
# ones (MSE/PE, Transmission, aria2): that is the point, the lab must report both outcomes correctly.
set -euo pipefail
ipset create torrent_block hash:ip timeout 600 -exist
ipset create torrent_block6 hash:ip family inet6 timeout 600 -exist
for fw in iptables ip6tables; do
  set=torrent_block
  [[ $fw == ip6tables ]] && set=torrent_block6
  $fw -A FORWARD -m set --match-set "$set" src -j DROP
  $fw -A FORWARD -m set --match-set "$set" dst -j DROP
  $fw -A FORWARD -i lan0 -m string --algo bm --string "BitTorrent protocol" -j SET --add-set "$set" src
  $fw -A FORWARD -i lan0 -m string --algo bm --string "d1:ad2:id20:" -j SET --add-set "$set" src
  # nothing reads queue 7: --queue-bypass accepts; the rule is there because lab.sh waits for an NFQUEUE rule
  $fw -A FORWARD -j NFQUEUE --queue-num 7 --queue-bypass
done
echo "fake-gateway: ready"
seen=" "
trap 'exit 0' TERM INT
while :; do
  while read -r _ set member _; do
    [[ $seen == *" $member "* ]] && continue
    seen+="$member "
    echo "BLOCK tcp $member:0 -> 0.0.0.0:0 detector=fake-string reason=\"plaintext BitTorrent/DHT bytes\" ban=$member/600s"
  done < <(ipset list -output save | grep '^add ' || true)
  sleep 0.2
done
