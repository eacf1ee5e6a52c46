#!/usr/bin/python3
"""leech.py SOURCE SAVE_DIR PROFILE TIMEOUT --listen IP:PORT [--dht NODES]

SOURCE is a .torrent file or a magnet URI. Downloads until complete, TIMEOUT or SIGTERM, then prints one JSON line:
{"completed": bool, "bytes": verified bytes on disk, "total": size, "elapsed": seconds, "peers": max peers seen}.
"""
import json
import sys
import time
import libtorrent as lt
import ltcommon

a = ltcommon.driver_args("source")
stop = ltcommon.stop_on_sigterm()
start = time.monotonic()
ses = lt.session(ltcommon.settings(a.profile, a.listen, a.dht))
ltcommon.add_dht_nodes(ses, a.dht)
h = ses.add_torrent(ltcommon.add_params(a.source, a.save_dir))
deadline = start + a.timeout
peers = 0
errors = []
last_dht = time.monotonic()
while not stop and time.monotonic() < deadline:
    st = h.status()
    peers = max(peers, st.num_peers)
    if st.is_seeding:
        break
    if a.profile == "dht" and st.num_peers == 0 and time.monotonic() - last_dht > 3:
        h.force_dht_announce()
        last_dht = time.monotonic()
    for al in ses.pop_alerts():
        if al.category() & lt.alert.category_t.error_notification and len(errors) < 5:
            errors.append(al.message())
    time.sleep(0.1)
elapsed = time.monotonic() - start
st = h.status()
out = {"completed": bool(st.is_seeding), "bytes": int(st.total_wanted_done), "total": int(st.total_wanted),
       "elapsed": round(elapsed, 3), "peers": peers, "has_metadata": bool(st.has_metadata), "errors": errors}
print(json.dumps(out), flush=True)
