"""Traffic for SystemdServiceIT, run inside the test's client and server namespaces.

  traffic.py sink PORT            accept one TCP connection on PORT, print LISTENING, then READ <bytes> (5 s idle)
  traffic.py handshake HOST PORT  the seed guide's manual test: a BEP 3 handshake to HOST:PORT
  traffic.py http-serve PORT      serve "hello" over HTTP on PORT
  traffic.py http-get HOST PORT   GET / and print BODY <text>
  traffic.py echo PORT            echo every byte back on each connection to PORT
  traffic.py hold HOST PORT DECIDED RELOADED [SRC]
                                  one connection (from address SRC): exchanges until the file DECIDED exists (the
                                  test sees the flow decided), FIRST ok; then wait until RELOADED exists, one more
                                  exchange, SECOND ok (60 s at most for each wait)
"""
import http.server
import os
import socket
import sys
import threading
import time


def sink(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('0.0.0.0', port))
    srv.listen(1)
    print('LISTENING', flush=True)
    srv.settimeout(20)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        print('READ 0 (no connection)', flush=True)
        return
    conn.settimeout(5)
    got = 0
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            got += len(data)
    except (socket.timeout, ConnectionResetError):
        pass
    print('READ', got, flush=True)


def handshake(host, port):
    # as in NIXOS_DEPLOYMENT.md, "Test BitTorrent Detection"
    handshake = bytearray([19]) + b'BitTorrent protocol' + b'\x00' * 8
    handshake += b'12345678901234567890' + b'-TEST00-123456789012'
    sock = socket.socket()
    sock.settimeout(5)
    sock.connect((host, port))
    sock.send(handshake)
    sock.close()
    print('SENT', len(handshake), flush=True)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'hello')

    def log_message(self, *args):
        pass


def http_serve(port):
    srv = http.server.ThreadingHTTPServer(('0.0.0.0', port), Hello)
    print('LISTENING', flush=True)
    srv.serve_forever()


def http_get(host, port):
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(b'GET / HTTP/1.0\r\nHost: test\r\n\r\n')
    data = b''
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    print('BODY', data.split(b'\r\n\r\n', 1)[-1].decode(), flush=True)


def echo(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('0.0.0.0', port))
    srv.listen(4)
    print('LISTENING', flush=True)

    def serve(conn):
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                conn.sendall(data)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def exchange(sock, tag):
    payload = (tag * 100)[:200].encode()
    sock.sendall(payload)
    got = b''
    while len(got) < len(payload):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError('closed')
        got += chunk
    return got == payload


def hold(host, port, decided, reloaded, source=None):
    sock = socket.create_connection((host, port), timeout=5, source_address=(source, 0) if source else None)
    # as many packets as the daemon inspects before it decides (maxPacketsPerFlow, or a detector's own limit)
    ok = True
    deadline = time.monotonic() + 60
    i = 0
    while not os.path.exists(decided) and time.monotonic() < deadline:
        ok = exchange(sock, 'first %d ' % i) and ok
        i += 1
        time.sleep(0.02)
    print('FIRST', 'ok' if ok and os.path.exists(decided) else 'bad', i, 'exchanges', flush=True)
    deadline = time.monotonic() + 60
    while not os.path.exists(reloaded) and time.monotonic() < deadline:
        time.sleep(0.1)
    print('SECOND', 'ok' if exchange(sock, 'second ') else 'bad', flush=True)


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'sink':
        sink(int(args[0]))
    elif cmd == 'handshake':
        handshake(args[0], int(args[1]))
    elif cmd == 'http-serve':
        http_serve(int(args[0]))
    elif cmd == 'http-get':
        http_get(args[0], int(args[1]))
    elif cmd == 'echo':
        echo(int(args[0]))
    elif cmd == 'hold':
        hold(args[0], int(args[1]), args[2], args[3], *args[4:5])
    else:
        sys.exit('unknown command ' + cmd)
