#!/usr/bin/python3
"""verify.py TORRENT FILE... : hashes the pieces of FILE (first one that exists) against TORRENT (single-file v1).

Prints {"bytes": bytes in pieces whose SHA-1 matches, "total": size, "completed": all pieces match}.
Used for the clients the lab does not drive through libtorrent (Transmission, aria2) and as a cross-check.
"""
import hashlib
import json
import os
import sys
import libtorrent as lt

ti = lt.torrent_info(sys.argv[1])
total = ti.total_size()
path = next((p for p in sys.argv[2:] if os.path.isfile(p)), None)
good = 0
if path:
    with open(path, "rb") as f:
        for i in range(ti.num_pieces()):
            size = ti.piece_size(i)
            f.seek(i * ti.piece_length())
            data = f.read(size)
            if len(data) == size and hashlib.sha1(data).digest() == ti.hash_for_piece(i):
                good += size
print(json.dumps({"bytes": good, "total": total, "completed": good == total, "path": path}))
