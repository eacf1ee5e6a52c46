#!/usr/bin/python3
"""bt-bulk.py seed|leech TORRENT DIR --listen IP:PORT [--peer IP:PORT] [--timeout S]

A plain-TCP libtorrent transfer between two namespaces with no tracker, for make-capture.sh's bulk capture: the seeder
serves DIR/<file> until SIGTERM (prints "READY" once it listens); the leecher connects to --peer itself, downloads into
DIR and prints "done BYTES SECONDS" (exit 0), or "incomplete BYTES SECONDS" after --timeout (exit 1). The session
settings are the lab's (examples/lab/ltcommon.py, profile "plain": no DHT, LSD, UPnP or encryption).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
import libtorrent as lt  # noqa: E402
import ltcommon  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("role", choices=("seed", "leech"))
ap.add_argument("torrent")
ap.add_argument("dir")
ap.add_argument("--listen", required=True)
ap.add_argument("--peer", default="")
ap.add_argument("--timeout", type=float, default=300)
a = ap.parse_args()

stop = ltcommon.stop_on_sigterm()
ses = lt.session(ltcommon.settings("plain", a.listen))
p = ltcommon.add_params(a.torrent, a.dir)
if a.role == "seed":
    p.flags |= lt.torrent_flags.seed_mode
h = ses.add_torrent(p)
start = time.monotonic()
if a.role == "seed":
    print("READY", flush=True)
    while not stop:
        time.sleep(0.2)
    sys.exit(0)

host, _, port = a.peer.rpartition(":")
last_connect = 0.0
while not stop and time.monotonic() - start < a.timeout:
    st = h.status()
    if st.is_seeding:
        break
    if st.num_peers == 0 and time.monotonic() - last_connect > 1:
        h.connect_peer((host, int(port)))
        last_connect = time.monotonic()
    time.sleep(0.1)
st = h.status()
print("%s %d %.2f" % ("done" if st.is_seeding else "incomplete", st.total_wanted_done, time.monotonic() - start),
      flush=True)
sys.exit(0 if st.is_seeding else 1)
