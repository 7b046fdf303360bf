#!/usr/bin/env python3
"""tests/interop/vlan_switch.py: a user-space 802.1Q switch, for the
--vlan-tagging scenarios (tests/interop/cases/vlan.sh). It stands in for a
Linux bridge with vlan_filtering and VLAN subinterfaces, which these hosts'
kernels lack (no CONFIG_BRIDGE_VLAN_FILTERING, no 8021q: "Operation not
supported").

  vlan_switch.py --trunk DEV [--tagged V,V...] [--pvid V] --access DEV:V ...

Ports are network devices read and written through AF_PACKET sockets. The
trunk (the VPN server's tap device) carries the --tagged VLANs with their
802.1Q tag and the --pvid VLAN untagged; an access port carries one VLAN,
untagged (a host's veth). A frame from the trunk belongs to the VLAN its tag
names (the kernel hands the tag over as packet metadata; untagged and
priority-tagged frames: --pvid) and goes, untagged, to the access ports of
that VLAN; a frame from an access port goes to the other access ports of its
VLAN and to the trunk, tagged unless it is the --pvid VLAN. Frames of a VLAN
the trunk does not carry are dropped and counted. No MAC learning: every
frame is flooded within its VLAN. A host's veth leaves TCP and UDP
checksums to offload (packet sockets see them unfinished): the switch
completes them for IPv4, as the veth would have.

On SIGTERM it prints its counters ("forwarded N dropped-untagged N
dropped-vlan N") to stdout and exits.
"""
import argparse
import select
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
ETH_P_8021Q = 0x8100
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_CSUMNOTREADY = 1 << 3
TP_STATUS_VLAN_VALID = 1 << 4
AUXDATA = struct.Struct("IIIHHHH")  # struct tpacket_auxdata

counters = {"forwarded": 0, "dropped-untagged": 0, "dropped-vlan": 0}


def open_port(dev):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((dev, 0))
    return s


def ones_sum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def complete_checksum(frame):
    """The TCP or UDP checksum of an untagged IPv4 frame, computed in full."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return frame
    l4 = 14 + (frame[14] & 0x0F) * 4
    end = 14 + int.from_bytes(frame[16:18], "big")
    at = {6: 16, 17: 6}.get(frame[23])
    if at is None or end > len(frame) or end - l4 < at + 2:
        return frame
    seg = bytearray(frame[l4:end])
    seg[at : at + 2] = b"\0\0"
    pseudo = frame[26:34] + bytes([0, frame[23]]) + len(seg).to_bytes(2, "big")
    c = ~ones_sum(pseudo + bytes(seg)) & 0xFFFF
    seg[at : at + 2] = (c or 0xFFFF).to_bytes(2, "big")
    return frame[:l4] + bytes(seg) + frame[end:]


def receive(sock):
    """One frame read from sock: (frame without tag, vid or None); None for
    what the port sent itself."""
    data, anc, _, addr = sock.recvmsg(65535, socket.CMSG_SPACE(AUXDATA.size))
    if addr[2] == PACKET_OUTGOING:
        return None
    for level, kind, blob in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(blob) >= AUXDATA.size:
            status, _, _, _, _, tci, _ = AUXDATA.unpack(blob[: AUXDATA.size])
            if status & TP_STATUS_CSUMNOTREADY:
                data = complete_checksum(data)
            if status & TP_STATUS_VLAN_VALID:
                return data, tci & 0x0FFF
    if len(data) >= 18 and int.from_bytes(data[12:14], "big") == ETH_P_8021Q:
        return data[:12] + data[16:], int.from_bytes(data[14:16], "big") & 0x0FFF
    return data, None


def tag(frame, vid):
    return frame[:12] + struct.pack("!HH", ETH_P_8021Q, vid) + frame[12:]


class Switch:
    def __init__(self, args):
        self.trunk = open_port(args.trunk)
        self.tagged = {int(v) for v in args.tagged.split(",") if v}
        self.pvid = args.pvid
        self.access = {}  # socket -> vid
        for spec in args.access:
            dev, vid = spec.rsplit(":", 1)
            self.access[open_port(dev)] = int(vid)

    def send(self, sock, frame):
        try:
            sock.send(frame)
            counters["forwarded"] += 1
        except OSError as e:
            print(f"vlan_switch: send: {e}", file=sys.stderr)

    def from_trunk(self, frame, vid):
        if vid is None or vid == 0:
            if self.pvid is None:
                counters["dropped-untagged"] += 1
                return
            vid = self.pvid
        elif vid not in self.tagged:
            counters["dropped-vlan"] += 1
            return
        for sock, v in self.access.items():
            if v == vid:
                self.send(sock, frame)

    def from_access(self, src, frame):
        vid = self.access[src]
        for sock, v in self.access.items():
            if sock is not src and v == vid:
                self.send(sock, frame)
        if vid == self.pvid:
            self.send(self.trunk, frame)
        elif vid in self.tagged:
            self.send(self.trunk, tag(frame, vid))
        else:
            counters["dropped-vlan"] += 1

    def run(self):
        socks = [self.trunk, *self.access]
        while True:
            ready, _, _ = select.select(socks, [], [])
            for sock in ready:
                got = receive(sock)
                if got is None:
                    continue
                frame, vid = got
                if sock is self.trunk:
                    self.from_trunk(frame, vid)
                elif vid is None:
                    self.from_access(sock, frame)
                else:
                    counters["dropped-vlan"] += 1  # a tag on an access port


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trunk", required=True)
    p.add_argument("--tagged", default="")
    p.add_argument("--pvid", type=int)
    p.add_argument("--access", action="append", default=[])
    args = p.parse_args()

    def stop(*_):
        print(" ".join(f"{k} {v}" for k, v in counters.items()), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    switch = Switch(args)
    print("vlan_switch: ready", flush=True)
    switch.run()


if __name__ == "__main__":
    main()
