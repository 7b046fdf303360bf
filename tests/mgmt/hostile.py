#!/usr/bin/python3
"""tests/mgmt/hostile.py: careless or hostile management clients.

    hostile.py MODE HOST PORT [SECONDS]

garbage  256 KiB of random bytes (NULs, 0xff, CR, LF mixed in), then hang up
huge     an 8 MiB line, then "pid": the daemon must refuse the long line
         and still answer the next one (exit 1 if no "SUCCESS: pid=")
noread   turn every real-time stream on and ask for far more output than
         the daemon buffers, never read, keep the socket SECONDS (default 5)
midcmd   hang up in the middle of commands (a pk-sig block, a client-auth
         block, half a username line, half a word), one connection each
check    a well-behaved client: "pid" and "state" must be answered; prints
         the pid (exit 1 otherwise)
"""
import random
import socket
import sys
import time


def conn(host, port, limit=20.0):
    end = time.time() + limit
    while True:
        try:
            return socket.create_connection((host, int(port)), timeout=5)
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.2)


def read_until(s, marker, limit=20.0):
    s.settimeout(0.5)
    buf = b""
    end = time.time() + limit
    while time.time() < end and marker not in buf:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        if not d:
            break
        buf += d
    return buf


def main(argv):
    mode, host, port = argv[1], argv[2], argv[3]
    secs = float(argv[4]) if len(argv) > 4 else 5.0
    if mode == "garbage":
        s = conn(host, port)
        junk = bytearray(random.Random(11).randbytes(256 * 1024))  # the same bytes each run
        for i in range(0, len(junk), 97):
            junk[i] = (0, 0xFF, 13, 10)[i % 4]
        try:
            s.sendall(bytes(junk))
        except OSError as e:
            print("garbage: the daemon hung up while we sent:", e.strerror)
        s.close()
        return 0
    if mode == "huge":
        s = conn(host, port)
        try:
            s.sendall(b"A" * (8 * 1024 * 1024) + b"\npid\n")
        except OSError as e:
            print("huge: send failed:", e.strerror)
            return 1
        got = read_until(s, b"SUCCESS: pid=")
        s.close()
        for line in got.decode("utf-8", "replace").splitlines():
            if line.startswith(("ERROR", "SUCCESS")):
                print("huge:", line)
        return 0 if b"SUCCESS: pid=" in got else 1
    if mode == "noread":
        s = conn(host, port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(secs)
        cmds = b"log on all\nstate on all\necho on all\nbytecount 1\n" + b"help\n" * 200000
        try:
            s.sendall(cmds)
            print("noread: sent everything")
        except OSError as e:
            print("noread: the daemon stopped taking input:", getattr(e, "strerror", e))
        time.sleep(secs)
        s.close()
        return 0
    if mode == "midcmd":
        for part in (b"pk-sig\nAAAA", b"client-auth 0 1\npush \"route 10.0.0.0\"\n", b'username "Auth" "us',
                     b"sta", b"needok token", b"certificate\n-----BEGIN"):
            s = conn(host, port)
            s.sendall(part)
            time.sleep(0.2)
            s.close()
        return 0
    if mode == "check":
        s = conn(host, port)
        s.sendall(b"pid\n")
        got = read_until(s, b"SUCCESS: pid=")
        s.sendall(b"state\n")
        got += read_until(s, b"\r\nEND\r\n")
        s.close()
        text = got.decode("utf-8", "replace")
        for line in text.splitlines():
            if line.startswith("SUCCESS: pid="):
                print(line[len("SUCCESS: pid="):].strip())
            elif ",CONNECTED," in line and not line.startswith(">"):
                print("state:", line.strip())
        return 0 if "SUCCESS: pid=" in text and ",CONNECTED," in text else 1
    raise SystemExit("hostile.py: unknown mode " + mode)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
