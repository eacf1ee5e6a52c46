#!/usr/bin/python3
"""mktorrent.py FILE OUT.torrent [--tracker URL]... [--v2] : writes a v1 torrent (--v2: a BEP 52 v2-only one) and
prints its info-hash in hex (v2: the SHA-256 info-hash truncated to 20 bytes, as trackers and the handshake see it).
"""
import argparse
import os
import libtorrent as lt

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("out")
ap.add_argument("--tracker", action="append", default=[])
ap.add_argument("--piece-size", type=int, default=64 * 1024)
ap.add_argument("--v2", action="store_true")
a = ap.parse_args()
fs = lt.file_storage()
lt.add_files(fs, os.path.abspath(a.file))
ct = lt.create_torrent(fs, a.piece_size, flags=lt.create_torrent.v2_only if a.v2 else lt.create_torrent.v1_only)
for i, url in enumerate(a.tracker):
    ct.add_tracker(url, i)
ct.set_creator("btlab")
lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(a.file)))
with open(a.out, "wb") as f:
    f.write(lt.bencode(ct.generate()))
print(str(lt.torrent_info(a.out).info_hashes().get_best()))
