#!/usr/bin/python3
"""dhtnode.py LISTEN TIMEOUT : a bare libtorrent DHT node (no torrents) used as the lab's bootstrap/rendezvous node.

With only a seeder and a leecher, each node stores the other's announce but answers get_peers only from its own
store, so neither learns of the other; a third node that both announce to is what a real bootstrap node provides.
"""
import signal
import sys
import time
import libtorrent as lt
import ltcommon

listen, timeout = sys.argv[1], float(sys.argv[2])
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
ses = lt.session(ltcommon.settings("dht", listen))
print("READY", flush=True)
deadline = time.monotonic() + timeout
while not stop and time.monotonic() < deadline:
    ses.pop_alerts()
    time.sleep(0.5)
