#!/usr/bin/env python3
"""tests/interop/spoof.py: send forged OpenVPN control packets with a forged
IPv4 source address and port (a raw socket: needs root), as an off-path
attacker who guessed a connected client's address would.

  spoof.py --src IP:PORT --dst IP:PORT [--opcode N] [--count N] [--len N]
  spoof.py --tcp HEX --dst IP:PORT
  spoof.py --flood N --dst IP:PORT


Each packet is the opcode byte (key id 0), a random 8-byte session id and
--len random bytes (a garbage tls-auth HMAC / tls-crypt tag and body).
Opcodes: 7 = P_CONTROL_HARD_RESET_CLIENT_V2 (default), 10 = ..._V3.
With --tcp: connect to --dst, send the bytes HEX (e.g. 000138: a frame of
length 1) and wait up to 20 s for the server to close the connection; exit
status 0 if it did, 1 if not.
With --flood (TCP, no tls-auth): a client hard reset, then N in-order
P_CONTROL_V1 messages, never ACKing the server's reset; exit status 0 if
the server ACKed no message beyond its receive window (ids 0..12, 2.6's
TLS_RELIABLE_N_REC_BUFFERS), 1 if it ACKed more.
"""
import argparse
import os
import sys
import socket
import struct


def addr(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def datagram(src, dst, payload):
    udp_len = 8 + len(payload)
    pseudo = socket.inet_aton(src[0]) + socket.inet_aton(dst[0]) + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", src[1], dst[1], udp_len, 0) + payload
    csum = checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    total = 20 + len(udp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 17, 0,
                     socket.inet_aton(src[0]), socket.inet_aton(dst[0]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp


def tcp_probe(dst, data):
    s = socket.create_connection(dst, timeout=20)
    s.sendall(data)
    try:
        while s.recv(4096):
            pass
    except socket.timeout:
        print("the server kept the connection open for 20 s after %s" % data.hex())
        return 1
    except ConnectionResetError:
        pass
    print("the server closed the connection after %s" % data.hex())
    return 0


def frame(body):
    return struct.pack("!H", len(body)) + body


def acked_ids(body):
    """The message ids a server packet ACKs (no wrap)."""
    if len(body) < 10:
        return []
    n = body[9]
    return [struct.unpack("!I", body[10 + 4 * i:14 + 4 * i])[0] for i in range(n) if len(body) >= 14 + 4 * i]


def flood(dst, count):
    s = socket.create_connection(dst, timeout=20)
    sid = os.urandom(8)
    s.sendall(frame(bytes([7 << 3]) + sid + b"\0" + struct.pack("!I", 0)))
    s.setblocking(False)
    buf = b""
    acked = set()
    closed = False

    def drain():
        nonlocal buf, closed
        while True:
            try:
                d = s.recv(65536)
            except BlockingIOError:
                return
            except ConnectionResetError:
                d = b""
            if not d:
                closed = True
                return
            buf += d
            while len(buf) >= 2:
                n = struct.unpack("!H", buf[:2])[0]
                if len(buf) < 2 + n:
                    break
                acked.update(acked_ids(buf[2:2 + n]))
                buf = buf[2 + n:]

    for i in range(1, count + 1):
        msg = frame(bytes([4 << 3]) + sid + b"\0" + struct.pack("!I", i) + b"\x16" * 100)
        try:
            s.setblocking(True)
            s.sendall(msg)
            s.setblocking(False)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        drain()
        if closed:
            break
    s.setblocking(True)
    s.settimeout(2)
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    except (socket.timeout, ConnectionResetError):
        pass
    s.setblocking(False)
    drain()
    top = max(acked) if acked else -1
    print("flood: %d messages sent, the server ACKed %d ids (highest %d)%s" %
          (i, len(acked), top, ", then closed" if closed else ""))
    return 0 if top <= 12 else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", type=addr)
    ap.add_argument("--tcp")
    ap.add_argument("--flood", type=int)
    ap.add_argument("--dst", type=addr, required=True)
    ap.add_argument("--opcode", type=int, default=7)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--len", type=int, default=60)
    a = ap.parse_args()
    if a.flood is not None:
        return flood(a.dst, a.flood)
    if a.tcp is not None:
        return tcp_probe(a.dst, bytes.fromhex(a.tcp))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for _ in range(a.count):
        payload = bytes([(a.opcode << 3) & 0xFF]) + os.urandom(8) + os.urandom(a.len)
        s.sendto(datagram(a.src, a.dst, payload), (a.dst[0], 0))
    print("sent %d forged packets (opcode %d) from %s:%d to %s:%d" %
          (a.count, a.opcode, a.src[0], a.src[1], a.dst[0], a.dst[1]))


if __name__ == "__main__":
    sys.exit(main())
