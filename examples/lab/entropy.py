#!/usr/bin/python3
"""High-entropy traffic for the negative scenarios (random bytes that must NOT be taken for BitTorrent).

  entropy.py tcp-server HOST PORT          read until EOF, answer "<sha256> <count>\n", repeat per connection
  entropy.py tcp-client HOST PORT BYTES    send BYTES random bytes, compare the server's digest
  entropy.py udp-server HOST PORT          echo every datagram
  entropy.py udp-client HOST PORT COUNT    COUNT random datagrams (60..1400 bytes), stop-and-wait, compare echoes
  entropy.py tcp-get HOST PORT FILE        client: receive a file sent by tcp-send-server, print its sha256
  entropy.py tcp-send-server HOST PORT FILE  server: send FILE to every connection
Clients print one JSON line: {"completed": bool, "bytes": n, "elapsed": s}.
"""
import hashlib
import json
import os
import socket
import sys
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tcp_server(host, port):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(4)
    while True:
        c, _ = s.accept()
        with c:
            h, n = hashlib.sha256(), 0
            while True:
                b = c.recv(65536)
                if not b:
                    break
                h.update(b)
                n += len(b)
            c.sendall(("%s %d\n" % (h.hexdigest(), n)).encode())


def tcp_client(host, port, size):
    t0 = time.monotonic()
    h, sent, ok = hashlib.sha256(), 0, False
    try:
        with socket.create_connection((host, port), timeout=20) as c:
            while sent < size:
                b = os.urandom(min(65536, size - sent))
                c.sendall(b)
                h.update(b)
                sent += len(b)
            c.shutdown(socket.SHUT_WR)
            reply = b""
            while not reply.endswith(b"\n"):
                b = c.recv(256)
                if not b:
                    break
                reply += b
            ok = reply.decode().split() == [h.hexdigest(), str(size)]
    except OSError as e:
        print("tcp-client: %s" % e, file=sys.stderr)
    print(json.dumps({"completed": ok, "bytes": sent if ok else 0, "elapsed": round(time.monotonic() - t0, 3)}))


def udp_server(host, port):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.bind((host, port))
    while True:
        b, peer = s.recvfrom(65536)
        s.sendto(b, peer)


def udp_client(host, port, count):
    t0 = time.monotonic()
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.settimeout(1.0)
    s.connect((host, port))
    good = total = 0
    for _ in range(count):
        b = os.urandom(60 + int.from_bytes(os.urandom(2), "big") % 1341)
        for _attempt in range(4):
            try:
                s.send(b)
                while True:
                    r = s.recv(65536)
                    if r == b:
                        break
                good += 1
                total += len(b)
                break
            except (socket.timeout, ConnectionRefusedError):
                continue
    print(json.dumps({"completed": good == count, "bytes": total, "datagrams": good,
                      "elapsed": round(time.monotonic() - t0, 3)}))


def tcp_send_server(host, port, path):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(4)
    data = open(path, "rb").read()
    while True:
        c, _ = s.accept()
        with c:
            c.sendall(data)


def tcp_get(host, port, path):
    t0 = time.monotonic()
    n = 0
    try:
        with socket.create_connection((host, port), timeout=20) as c, open(path, "wb") as f:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                f.write(b)
                n += len(b)
    except OSError as e:
        print("tcp-get: %s" % e, file=sys.stderr)
    print(json.dumps({"completed": True, "bytes": n, "elapsed": round(time.monotonic() - t0, 3)}))


mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "tcp-server":
    tcp_server(host, port)
elif mode == "tcp-client":
    tcp_client(host, port, int(sys.argv[4]))
elif mode == "udp-server":
    udp_server(host, port)
elif mode == "udp-client":
    udp_client(host, port, int(sys.argv[4]))
elif mode == "tcp-send-server":
    tcp_send_server(host, port, sys.argv[4])
elif mode == "tcp-get":
    tcp_get(host, port, sys.argv[4])
else:
    raise SystemExit("unknown mode " + mode)
