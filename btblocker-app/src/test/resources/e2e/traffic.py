"""Traffic for btblocker's end-to-end tests; run inside a test namespace with `ip netns exec NS python3 traffic.py CMD`.

Every command prints machine-readable lines (KEY value ...) on stdout, flushed at once, which the Java side waits for.
Only addresses of the test's own namespaces are ever used.
"""
import hashlib
import random
import socket
import struct
import sys
import time


def out(*words):
    print(*words, flush=True)


def family(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def tcp_listen(host, port):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(8)
    return s


def tcp_sink(host, port, timeout):
    """Accepts connections until `timeout` s pass; prints READ <total bytes> of everything received."""
    s = tcp_listen(host, int(port))
    out('LISTENING', port)
    deadline = time.monotonic() + float(timeout)
    total = 0
    conns = []
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            c, _ = s.accept()
        except socket.timeout:
            break
        out('ACCEPTED')
        c.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                total += len(d)
                out('GOT', total)
        except (socket.timeout, OSError):
            pass
        conns.append(c)
    out('READ', total)


def tcp_send(host, port, hexdata, linger):
    """Connects (2 s timeout) and sends the bytes; prints CONNECTED/SENT or CONNECT_FAILED <error> <seconds>.

    Commas in `hexdata` split it into segments sent 0.2 s apart (TCP_NODELAY: one segment each)."""
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(2.0)
    t0 = time.monotonic()
    try:
        s.connect((host, int(port)))
    except OSError as e:
        out('CONNECT_FAILED', type(e).__name__, '%.2f' % (time.monotonic() - t0))
        return
    out('CONNECTED', '%.2f' % (time.monotonic() - t0))
    sent = 0
    for i, part in enumerate(hexdata.split(',')):
        if i:
            time.sleep(0.2)
        data = bytes.fromhex(part)
        s.sendall(data)
        sent += len(data)
    out('SENT', sent)
    time.sleep(float(linger))
    # close with RST: no retransmissions of dropped data outlive the test
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
    out('CLOSED')


def tcp_dribble(host, port, hexdata, size, gap_ms, linger):
    """Connects and writes the bytes `size` at a time, one write per TCP segment (TCP_NODELAY, `gap_ms` apart), the
    way a sender evading inspection by segmentation would; prints CONNECTED, SENT <bytes> (or STOPPED <bytes> when
    the connection broke) and CLOSED."""
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(2.0)
    try:
        s.connect((host, int(port)))
    except OSError as e:
        out('CONNECT_FAILED', type(e).__name__)
        return
    out('CONNECTED')
    data = bytes.fromhex(hexdata)
    size = int(size)
    sent = 0
    try:
        for at in range(0, len(data), size):
            s.send(data[at:at + size])
            sent += len(data[at:at + size])
            time.sleep(float(gap_ms) / 1000)
        out('SENT', sent)
    except OSError:
        out('STOPPED', sent)
    time.sleep(float(linger))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
    out('CLOSED')


PIECE_BYTES = 16384


def recv_exactly(c, n):
    data = b''
    while len(data) < n:
        d = c.recv(n - len(data))
        if not d:
            break
        data += d
    return data


def piece_server(host, port, timeout):
    """A seed's one trick: after 68 bytes from a peer (its handshake), sends a 68-byte reply and one BEP 3 piece
    message (16 KiB block); one thread per connection until `timeout` s pass. Prints SERVED <pieces>."""
    import threading
    s = tcp_listen(host, int(port))
    s.listen(64)
    out('LISTENING', port)
    deadline = time.monotonic() + float(timeout)
    served = [0]
    lock = threading.Lock()

    def serve_one(c):
        c.settimeout(5)
        try:
            first = recv_exactly(c, 68)
            if len(first) < 68:
                return
            c.sendall(first)              # a handshake back in kind: the peer's own first bytes (BitTorrent or not)
            c.sendall(struct.pack('>IBII', 9 + PIECE_BYTES, 7, 0, 0) + bytes(PIECE_BYTES))
            with lock:
                served[0] += 1
            c.recv(1)
        except OSError:
            pass
        finally:
            c.close()

    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            c, _ = s.accept()
        except socket.timeout:
            break
        threading.Thread(target=serve_one, args=(c,), daemon=True).start()
    out('SERVED', served[0])


def leech(host, port, kind, count, interval, timeout):
    """`count` connections, `interval` s apart, each a thread: connect, send 68 bytes (kind `bt`: the BEP 3
    handshake; `plain`: ASCII text), then read the 68-byte reply and a 16 KiB piece message. Prints PIECE <i> or
    NOPIECE <i> <why> per connection and LEECHED <pieces> <count>."""
    import threading
    first = bytes.fromhex(BT_HANDSHAKE) if kind == 'bt' else (b'HELLO / plain text request ' * 3)[:68]
    results = []
    lock = threading.Lock()

    def one(i):
        why = 'ok'
        try:
            c = socket.socket(family(host), socket.SOCK_STREAM)
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c.settimeout(float(timeout))
            c.connect((host, int(port)))
            c.sendall(first)
            got = recv_exactly(c, 68 + 13 + PIECE_BYTES)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            c.close()
            ok = len(got) == 68 + 13 + PIECE_BYTES
            why = 'ok' if ok else 'short:%d' % len(got)
        except OSError as e:
            ok = False
            why = type(e).__name__
        with lock:
            results.append(ok)
        out('PIECE' if ok else 'NOPIECE', i, why)

    threads = []
    for i in range(int(count)):
        t = threading.Thread(target=one, args=(i,), daemon=True)
        t.start()
        threads.append(t)
        time.sleep(float(interval))
    for t in threads:
        t.join(float(timeout) + 5)
    out('LEECHED', sum(1 for r in results if r), count)


# BEP 3 handshake: 19, "BitTorrent protocol", reserved, info_hash, peer_id (as Wire.handshake() on the Java side)
BT_HANDSHAKE = ('13' + b'BitTorrent protocol'.hex() + '00' * 8 + ''.join('%02x' % (0xa0 + i) for i in range(20))
                + b'-TEST00-123456789012'.hex())


def stream(seed, size, head):
    """The transfer's bytes: `head` then pseudo-random bytes from `seed`, `size` bytes in all."""
    rnd = random.Random(int(seed))
    yield head[:size]
    left = size - len(head)
    while left > 0:
        n = min(left, 65536)
        yield rnd.randbytes(n)
        left -= n


HEADS = {
    'http': b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nServer: e2e\r\n\r\n',
    # TLS 1.2 record: handshake (22), version 3.3, then a ServerHello (type 2) with version 3.3 and 32 random bytes.
    'tls': bytes([22, 3, 3, 0, 74, 2, 0, 0, 70, 3, 3]) + bytes(range(32)) + bytes([32]) + bytes(range(32, 64))
           + bytes([0x13, 0x01, 0]),
    'none': b'',
}


def serve(host, port, size, seed, head, rate):
    """Serves one client: writes the stream (paced to `rate` bytes/s when > 0), prints SERVED <bytes> <sha256>."""
    s = tcp_listen(host, int(port))
    out('LISTENING', port)
    s.settimeout(30)
    c, _ = s.accept()
    h = hashlib.sha256()
    total = 0
    t0 = time.monotonic()
    rate = float(rate)
    for chunk in stream(seed, int(size), HEADS[head]):
        c.sendall(chunk)
        h.update(chunk)
        total += len(chunk)
        if rate > 0:
            ahead = total / rate - (time.monotonic() - t0)
            if ahead > 0:
                time.sleep(ahead)
    c.shutdown(socket.SHUT_WR)
    c.settimeout(10)
    try:
        c.recv(1)
    except OSError:
        pass
    c.close()
    out('SERVED', total, h.hexdigest())


def fetch(host, port, timeout):
    """Connects, reads to EOF; prints PROGRESS lines (every MiB) and FETCHED <bytes> <sha256> <seconds>."""
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(float(timeout))
    t0 = time.monotonic()
    s.connect((host, int(port)))
    h = hashlib.sha256()
    total = 0
    mark = 1 << 20
    try:
        while True:
            d = s.recv(1 << 20)
            if not d:
                break
            h.update(d)
            total += len(d)
            if total >= mark:
                out('PROGRESS', total)
                mark += 1 << 20
    except socket.timeout:
        out('TIMEOUT', total)
    s.close()
    out('FETCHED', total, h.hexdigest(), '%.2f' % (time.monotonic() - t0))


def udp_sink(host, ports, timeout):
    """Listens on each port of the comma list; prints DGRAM <port> <len> per datagram and RECEIVED <count>."""
    import select
    socks = []
    for p in ports.split(','):
        u = socket.socket(family(host), socket.SOCK_DGRAM)
        u.bind((host, int(p)))
        socks.append(u)
    out('LISTENING', ports)
    deadline = time.monotonic() + float(timeout)
    count = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select(socks, [], [], left)
        for u in r:
            d, _ = u.recvfrom(65536)
            count += 1
            out('DGRAM', u.getsockname()[1], len(d))
    out('RECEIVED', count)


def udp_send(host, sport, dport, hexdata):
    """Sends one datagram from local port `sport` (0: any)."""
    u = socket.socket(family(host), socket.SOCK_DGRAM)
    u.bind(('::' if ':' in host else '0.0.0.0', int(sport)))
    u.sendto(bytes.fromhex(hexdata), (host, int(dport)))
    out('SENT_UDP', dport)


def krpc_peers(host, port, peers, timeout):
    """A DHT node that answers every datagram with one BEP 5 get_peers response listing `peers` (a comma list of
    ip:port, IPv4) as compact peer info; prints ANSWERED <n> at the end."""
    u = socket.socket(family(host), socket.SOCK_DGRAM)
    u.bind((host, int(port)))
    out('LISTENING', port)
    u.settimeout(float(timeout))
    values = b''
    for p in peers.split(','):
        ip, pport = p.rsplit(':', 1)
        values += b'6:' + socket.inet_aton(ip) + struct.pack('>H', int(pport))
    body = (b'd1:rd2:id20:' + b'N' * 20 + b'5:token8:aoeusnth6:valuesl' + values + b'ee1:t2:aa1:y1:re')
    answered = 0
    try:
        while True:
            _, peer = u.recvfrom(65536)
            u.sendto(body, peer)
            answered += 1
    except socket.timeout:
        pass
    out('ANSWERED', answered)


def utp_header(kind, conn_id, seq, ack):
    # BEP 29: type/version, extension, connection_id, timestamp_us, timestamp_difference_us, wnd_size, seq_nr, ack_nr
    return struct.pack('>BBHIIIHH', (kind << 4) | 1, 0, conn_id, int(time.monotonic() * 1e6) & 0xffffffff, 0,
                       1 << 20, seq, ack)


def utp_server(host, port, timeout):
    """Answers each ST_SYN with an ST_STATE acking it (same connection id); prints SYN/STATE_SENT lines."""
    u = socket.socket(family(host), socket.SOCK_DGRAM)
    u.bind((host, int(port)))
    out('LISTENING', port)
    u.settimeout(float(timeout))
    try:
        while True:
            d, peer = u.recvfrom(65536)
            if len(d) >= 20 and d[0] == 0x41:
                conn_id, seq = struct.unpack('>H', d[2:4])[0], struct.unpack('>H', d[16:18])[0]
                out('SYN', conn_id, seq)
                u.sendto(utp_header(2, conn_id, random.randrange(1, 65536), seq), peer)
                out('STATE_SENT')
    except socket.timeout:
        pass
    out('DONE')


def utp_client(host, port, conn_id, seq, timeout):
    """Sends one ST_SYN; prints STATE when the reply arrives or NO_STATE."""
    u = socket.socket(family(host), socket.SOCK_DGRAM)
    u.settimeout(float(timeout))
    u.sendto(utp_header(4, int(conn_id), int(seq), 0), (host, int(port)))
    out('SYN_SENT')
    try:
        d, _ = u.recvfrom(65536)
        out('STATE', len(d))
    except socket.timeout:
        out('NO_STATE')


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def raw_udp(src, sport, dst, dport, hexdata):
    """Sends one IPv4/UDP datagram whose IP source is `src` (any address), built by hand (IP_HDRINCL)."""
    payload = bytes.fromhex(hexdata)
    s_ip, d_ip = socket.inet_aton(src), socket.inet_aton(dst)
    ulen = 8 + len(payload)
    pseudo = s_ip + d_ip + struct.pack('!BBH', 0, 17, ulen)
    udp = struct.pack('!HHHH', int(sport), int(dport), ulen, 0) + payload
    csum = checksum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack('!H', csum) + udp[8:]
    total = 20 + ulen
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, total, random.randrange(65536), 0, 64, 17, 0, s_ip, d_ip)
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    r.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    r.sendto(ip + udp, (dst, 0))
    out('SENT_RAW', src)


def ip_packet(src, dst, proto, l4_builder):
    """An IPv4 or IPv6 header (by the address family) around the L4 bytes `l4_builder(pseudo_header)` returns."""
    if ':' in src:
        s_ip, d_ip = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
        l4 = l4_builder(lambda n: s_ip + d_ip + struct.pack('!IxxxB', n, proto))
        return struct.pack('!IHBB16s16s', 6 << 28, len(l4), proto, 64, s_ip, d_ip) + l4
    s_ip, d_ip = socket.inet_aton(src), socket.inet_aton(dst)
    l4 = l4_builder(lambda n: s_ip + d_ip + struct.pack('!BBH', 0, proto, n))
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), random.randrange(65536), 0, 64, proto, 0, s_ip, d_ip)
    return ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:] + l4


def udp_segment(sport, dport, payload):
    def build(pseudo):
        n = 8 + len(payload)
        u = struct.pack('!HHHH', sport, dport, n, 0) + payload
        return u[:6] + struct.pack('!H', checksum(pseudo(n) + u) or 0xffff) + u[8:]
    return build


TCP_FLAGS = {'F': 1, 'S': 2, 'R': 4, 'P': 8, 'A': 16}


def tcp_segment(sport, dport, flags, seq, ack, payload):
    def build(pseudo):
        bits = sum(TCP_FLAGS[f] for f in flags)
        t = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, bits, 65535, 0,
                        0) + payload
        return t[:16] + struct.pack('!H', checksum(pseudo(len(t)) + t)) + t[18:]
    return build


def forge(iface, dst_mac, *specs):
    """Sends hand-made frames on `iface` to `dst_mac` (the gateway), whatever their IP source: the attacker's tool.

    Each spec is `udp,SRC,SPORT,DST,DPORT,HEX` or `tcp,SRC,SPORT,DST,DPORT,FLAGS,SEQ,ACK,HEX` (FLAGS from SAFRP,
    HEX may be empty); frames go 50 ms apart. Prints FORGED <n>."""
    r = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    r.bind((iface, 0))
    src_mac = r.getsockname()[4]
    mac = bytes.fromhex(dst_mac.replace(':', ''))
    for i, spec in enumerate(specs):
        f = spec.split(',')
        if f[0] == 'udp':
            packet = ip_packet(f[1], f[3], 17, udp_segment(int(f[2]), int(f[4]), bytes.fromhex(f[5])))
        else:
            packet = ip_packet(f[1], f[3], 6, tcp_segment(int(f[2]), int(f[4]), f[5], int(f[6]), int(f[7]),
                                                          bytes.fromhex(f[8]) if len(f) > 8 else b''))
        ethertype = 0x86dd if ':' in f[1] else 0x0800
        if i:
            time.sleep(0.05)
        r.send(mac + src_mac + struct.pack('!H', ethertype) + packet)
    out('FORGED', len(specs))


if __name__ == '__main__':
    globals()[sys.argv[1].replace('-', '_')](*sys.argv[2:])
