#!/usr/bin/env python3
"""Print the UDP payloads of a pcap file (Ethernet or Linux cooked/raw IPv4),
one hex line per packet, optionally only those sent to a given UDP port."""
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        yield linktype, data[off:off + incl]
        off += incl


def udp_payload(linktype, frame):
    if linktype == 1:        # Ethernet
        ip = frame[14:]
    elif linktype == 113:    # Linux cooked v1
        ip = frame[16:]
    elif linktype == 276:    # Linux cooked v2
        ip = frame[20:]
    else:                    # raw IP
        ip = frame
    if not ip or ip[0] >> 4 != 4 or ip[9] != 17:
        return None, None
    ihl = (ip[0] & 15) * 4
    udp = ip[ihl:]
    dport = struct.unpack(">H", udp[2:4])[0]
    return dport, udp[8:]


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else None
    for lt, frame in packets(sys.argv[1]):
        dport, payload = udp_payload(lt, frame)
        if payload is None or (port is not None and dport != port):
            continue
        print(payload.hex())


if __name__ == "__main__":
    main()
