#!/usr/bin/python3
"""tracker6.py HOST PORT INFOHASH_HEX : a minimal HTTP tracker (BEP 3 + BEP 7 compact peers6) for the IPv6 scenario.

Debian's opentracker is built IPv4-only, so the IPv6 scenario uses this one. It serves only INFOHASH_HEX (like
opentracker's whitelist) and answers with the peers seen in the last 10 minutes, compact IPv4 in "peers", IPv6 in
"peers6".
"""
import ipaddress
import socket
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import libtorrent as lt

HOST, PORT, WANT = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
peers = {}  # (ip, port) -> last seen


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True, encoding="latin-1")
        ih = q.get("info_hash", [""])[0].encode("latin-1")
        if url.path != "/announce" or ih != WANT:
            return self.reply({"failure reason": "unknown torrent"})
        ip = ipaddress.ip_address(self.client_address[0])
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        port = int(q.get("port", ["0"])[0])
        now = time.monotonic()
        me = (ip, port)
        if q.get("event", [""])[0] == "stopped":
            peers.pop(me, None)
        else:
            peers[me] = now
        others = [p for p, seen in peers.items() if p != me and now - seen < 600]
        v4 = b"".join(p[0].packed + p[1].to_bytes(2, "big") for p in others if p[0].version == 4)
        v6 = b"".join(p[0].packed + p[1].to_bytes(2, "big") for p in others if p[0].version == 6)
        self.reply({"interval": 30, "min interval": 5, "peers": v4, "peers6": v6})

    def reply(self, d):
        body = lt.bencode(d)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("tracker6: %s\n" % (fmt % args))


class Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in HOST else socket.AF_INET


Server((HOST, PORT), Handler).serve_forever()
