#!/usr/bin/python3
"""verify.py TORRENT FILE... : hashes the pieces of FILE (first one that exists) against TORRENT (single file).

Prints {"bytes": bytes in pieces whose hash matches, "total": size, "completed": all pieces match}. A v1 torrent's
pieces are checked by SHA-1 (BEP 3); a v2-only torrent's (BEP 52) by the SHA-256 merkle root of their 16 KiB blocks
against the torrent's piece layers (or, for a file of one piece, its pieces root).
Used for the clients the lab does not drive through libtorrent (Transmission, aria2, rtorrent) and as a cross-check.
"""
import hashlib
import json
import os
import sys
import libtorrent as lt

BLOCK = 16384


def merkle_root(leaves, width):
    """Root over `leaves` (32-byte hashes) padded with zero hashes to `width` leaves (a power of two)."""
    layer = leaves + [bytes(32)] * (width - len(leaves))
    while len(layer) > 1:
        layer = [hashlib.sha256(layer[i] + layer[i + 1]).digest() for i in range(0, len(layer), 2)]
    return layer[0]


def v2_file(meta):
    """(length, pieces root) of the one file of a single-file v2 torrent."""
    (_, node), = meta[b"info"][b"file tree"].items()
    return node[b""][b"length"], node[b""][b"pieces root"]


def v2_good_bytes(meta, ti, f):
    size, root = v2_file(meta)
    piece_length = ti.piece_length()
    pieces = None
    if size > piece_length:
        layer = meta[b"piece layers"][root]
        pieces = [layer[i:i + 32] for i in range(0, len(layer), 32)]
    per_piece = piece_length // BLOCK
    good = 0
    if pieces is None:  # one piece: the file's whole tree, padded to a power of two leaves
        data = f.read(size)
        leaves = [hashlib.sha256(data[i:i + BLOCK]).digest() for i in range(0, len(data), BLOCK)]
        width = 1
        while width < len(leaves):
            width *= 2
        return size if len(data) == size and merkle_root(leaves, width) == root else 0
    for i, expected in enumerate(pieces):
        f.seek(i * piece_length)
        want = min(piece_length, size - i * piece_length)
        data = f.read(want)
        if len(data) != want:
            continue
        leaves = [hashlib.sha256(data[j:j + BLOCK]).digest() for j in range(0, len(data), BLOCK)]
        if merkle_root(leaves, per_piece) == expected:
            good += want
    return good


def v1_good_bytes(ti, f):
    good = 0
    for i in range(ti.num_pieces()):
        size = ti.piece_size(i)
        f.seek(i * ti.piece_length())
        data = f.read(size)
        if len(data) == size and hashlib.sha1(data).digest() == ti.hash_for_piece(i):
            good += size
    return good


raw = open(sys.argv[1], "rb").read()
ti = lt.torrent_info(sys.argv[1])
v1 = ti.info_hashes().has_v1()
meta = None if v1 else lt.bdecode(raw)
total = ti.total_size() if v1 else v2_file(meta)[0]  # libtorrent counts a v2 file's tail padding
path = next((p for p in sys.argv[2:] if os.path.isfile(p)), None)
good = 0
if path:
    with open(path, "rb") as f:
        good = v1_good_bytes(ti, f) if v1 else v2_good_bytes(meta, ti, f)
print(json.dumps({"bytes": good, "total": total, "completed": good == total, "path": path}))
