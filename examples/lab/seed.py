#!/usr/bin/python3
"""seed.py TORRENT SAVE_DIR PROFILE TIMEOUT --listen IP:PORT [--dht NODES]

Seeds until TIMEOUT seconds pass or SIGTERM. Prints "READY" on stdout once the data is checked and seeding.
"""
import argparse
import signal
import sys
import time
import libtorrent as lt
import ltcommon

ap = argparse.ArgumentParser()
ap.add_argument("torrent")
ap.add_argument("save_dir")
ap.add_argument("profile")
ap.add_argument("timeout", type=float)
ap.add_argument("--listen", required=True)
ap.add_argument("--dht", default="")
a = ap.parse_args()
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
ses = lt.session(ltcommon.settings(a.profile, a.listen, a.dht))
ltcommon.add_dht_nodes(ses, a.dht)
p = ltcommon.add_params(a.torrent, a.save_dir)
p.flags |= lt.torrent_flags.seed_mode
h = ses.add_torrent(p)
deadline = time.monotonic() + a.timeout
ready = False
last_dht = 0.0
while not stop and time.monotonic() < deadline:
    st = h.status()
    if not ready and st.is_seeding:
        ready = True
        print("READY", flush=True)
    if a.profile == "dht" and time.monotonic() - last_dht > 2:
        h.force_dht_announce()
        last_dht = time.monotonic()
    for al in ses.pop_alerts():
        if al.category() & lt.alert.category_t.error_notification:
            print("seed: " + al.message(), file=sys.stderr, flush=True)
    time.sleep(0.2)
