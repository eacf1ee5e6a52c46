#!/usr/bin/python3
"""seed.py TORRENT SAVE_DIR PROFILE TIMEOUT --listen IP:PORT [--dht NODES] [--upload-kib-s N]

Seeds until TIMEOUT seconds pass or SIGTERM. Prints "READY" on stdout once it is seeding and a tracker has
answered its announce (or, without trackers, a DHT announce has completed), so a leecher started after READY
finds it at once.
"""
import sys
import time
import libtorrent as lt
import ltcommon

a = ltcommon.driver_args("torrent")
stop = ltcommon.stop_on_sigterm()
ses = lt.session(ltcommon.settings(a.profile, a.listen, a.dht, a.upload_kib_s))
ltcommon.limit_local_peers(ses, a.upload_kib_s)
ltcommon.add_dht_nodes(ses, a.dht)
p = ltcommon.add_params(a.torrent, a.save_dir)
p.flags |= lt.torrent_flags.seed_mode
h = ses.add_torrent(p)
deadline = time.monotonic() + a.timeout
ready = False
announced = False
has_trackers = bool(h.trackers())
last_dht = 0.0
while not stop and time.monotonic() < deadline:
    st = h.status()
    if not ready and st.is_seeding and announced:
        ready = True
        print("READY", flush=True)
    if a.profile == "dht" and time.monotonic() - last_dht > 2:
        h.force_dht_announce()
        last_dht = time.monotonic()
    for al in ses.pop_alerts():
        if isinstance(al, lt.tracker_reply_alert) and has_trackers:
            announced = True
        elif isinstance(al, (lt.dht_reply_alert, lt.dht_outgoing_get_peers_alert)) and not has_trackers:
            announced = True  # the DHT announce traversal is under way (repeated every 2 s)
        elif al.category() & lt.alert.category_t.error_notification:
            print("seed: " + al.message(), file=sys.stderr, flush=True)
    time.sleep(0.1)
