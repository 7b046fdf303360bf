#!/usr/bin/env python3
"""tests/interop/replay_udp.py: send again the UDP payloads a capture holds,
as an attacker who recorded a --secret tunnel would after a restart.

  replay_udp.py PCAP --from IP --dst IP:PORT

Reads a classic pcap (tcpdump -w, Ethernet link type), takes every IPv4 UDP
datagram from --from to --dst's port and sends its payload, in order, from
a fresh UDP socket to --dst. Prints how many it sent.
"""
import argparse
import socket
import struct
import sys
import time


def datagrams(path, src, dport):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("replay_udp.py: link type %d, want Ethernet" % linktype)
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "IIII", data[off:off + 16])[2]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17 or socket.inet_ntoa(ip[12:16]) != src:
            continue
        udp = ip[ihl:]
        if len(udp) < 8 or struct.unpack("!H", udp[2:4])[0] != dport:
            continue
        ulen = struct.unpack("!H", udp[4:6])[0]
        yield udp[8:ulen]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--from", dest="src", required=True)
    ap.add_argument("--dst", required=True)
    a = ap.parse_args()
    host, port = a.dst.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n = 0
    for payload in datagrams(a.pcap, a.src, int(port)):
        s.sendto(payload, (host, int(port)))
        n += 1
        time.sleep(0.002)
    print(n)


if __name__ == "__main__":
    main()
