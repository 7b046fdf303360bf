#!/usr/bin/env python3
"""tests/interop/fault_relay_test.py: checks fault_relay.py itself on the
loopback (no root), so the fault scenarios can trust its counters: each
fault, run alone, must change exactly what its counter says and nothing
else. Numbered datagrams go through the relay to a sink; the sink's view is
compared with the relay's counters at exit. Prints one line per check and
exits non-zero if any failed.

  python3 tests/interop/fault_relay_test.py
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

RELAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fault_relay.py")
N = 2000


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Relay:
    def __init__(self, to_port, args, tcp=False):
        self.port = free_port(socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        cmd = [sys.executable, RELAY, "--listen", "127.0.0.1:%d" % self.port, "--to", "127.0.0.1:%d" % to_port]
        self.p = subprocess.Popen(cmd + (["--tcp"] if tcp else []) + args, stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if "listening" not in line:
            raise RuntimeError("relay did not start: %r" % line)

    def stop(self):
        """SIGTERM; the counters from its last line."""
        self.p.send_signal(signal.SIGTERM)
        out, _ = self.p.communicate(timeout=10)
        last = [ln for ln in out.splitlines() if ln.startswith("fault_relay ")][-1]
        return {k: int(v) for k, v in (kv.split("=") for kv in last.split(": ", 1)[1].split())}


class Sink:
    """A UDP socket that records what arrives until it is quiet for 0.5 s."""

    def __init__(self, echo=False):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.s.bind(("127.0.0.1", 0))
        self.port = self.s.getsockname()[1]
        self.got = []
        self.echo = echo
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        self.s.settimeout(0.5)
        started = False
        while True:
            try:
                data, addr = self.s.recvfrom(65535)
            except socket.timeout:
                if started and self.done:
                    return
                continue
            started = True
            self.got.append(data)
            if self.echo:
                self.s.sendto(data, addr)

    done = False

    def wait(self):
        self.done = True
        self.t.join(timeout=30)


def payload(i, size=64):
    return struct.pack("!I", i) + bytes((i + j) & 0xFF for j in range(size - 4))


def send_all(port, count=N, size=64, sizes=None, pace=0.0002, client=None):
    c = client or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    for i in range(count):
        c.sendto(payload(i, sizes[i % len(sizes)] if sizes else size), ("127.0.0.1", port))
        time.sleep(pace)
    return c


def udp_run(args, count=N, size=64, sizes=None, pace=0.0002, during=None):
    sink = Sink()
    relay = Relay(sink.port, args)
    if during:
        threading.Timer(during[0], during[1], args=(relay,)).start()
    send_all(relay.port, count, size, sizes, pace)
    sink.wait()
    return sink.got, relay.stop()


FAILED = []


def check(name, ok, detail):
    print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
    if not ok:
        FAILED.append(name)


def ids(got):
    return [struct.unpack("!I", d[:4])[0] for d in got if len(d) >= 4]


def t_clean():
    got, c = udp_run(["--seed", "1"])
    check("clean", ids(got) == list(range(N)) and c["forwarded"] == N and c["dropped"] == 0,
          "%d of %d in order, counters %s" % (len(got), N, c))


def t_drop():
    got, c = udp_run(["--seed", "1", "--drop", "0.3"])
    check("drop", len(got) == N - c["dropped"] and 0 < c["dropped"] < N and c["forwarded"] == len(got),
          "%d arrived, dropped=%d" % (len(got), c["dropped"]))


def t_dup():
    got, c = udp_run(["--seed", "1", "--dup", "0.1"])
    check("dup", len(got) == N + c["duplicated"] and c["duplicated"] > 0 and sorted(set(ids(got))) == list(range(N)),
          "%d arrived, duplicated=%d" % (len(got), c["duplicated"]))


def t_corrupt():
    got, c = udp_run(["--seed", "1", "--corrupt", "0.1"])
    sent = {payload(i) for i in range(N)}
    # damaged = equal to no datagram sent (a flip in the id's high bytes
    # gives another id's exact payload, only not one that was sent)
    bad = sum(1 for d in got if d not in sent)
    check("corrupt", len(got) == N and bad == c["corrupted"] and bad > 0,
          "%d damaged, corrupted=%d" % (bad, c["corrupted"]))


def t_truncate():
    got, c = udp_run(["--seed", "1", "--truncate", "0.1"])
    short = sum(1 for d in got if len(d) < 64)
    check("truncate", len(got) == N and short == c["truncated"] and short > 0 and min(map(len, got)) >= 1,
          "%d short, truncated=%d" % (short, c["truncated"]))


def t_reorder():
    k = 3
    got, c = udp_run(["--seed", "1", "--reorder", "0.1", "--reorder-k", str(k)])
    seq = ids(got)
    late = sum(1 for a, b in zip(seq, seq[1:]) if b < a)
    # a held datagram comes after the next k sent, or later if those were
    # held too; never lost
    check("reorder", sorted(seq) == list(range(N)) and late > 0 and c["reordered"] >= late,
          "%d out of order, reordered=%d, all %d arrived" % (late, c["reordered"], len(seq)))


def t_delay():
    got, c = udp_run(["--seed", "1", "--delay", "0.2", "--delay-ms", "20"])
    seq = ids(got)
    check("delay", sorted(seq) == list(range(N)) and c["delayed"] > 0 and seq != list(range(N)),
          "delayed=%d, all arrived" % c["delayed"])


def t_mtu():
    got, c = udp_run(["--seed", "1", "--mtu", "100"], sizes=[64, 150])
    check("mtu", len(got) == N // 2 and max(map(len, got)) <= 100 and c["oversize"] == N // 2,
          "%d arrived, oversize=%d" % (len(got), c["oversize"]))


def t_queue():
    got, c = udp_run(["--seed", "1", "--delay", "1", "--delay-ms", "500", "--queue", "50"], count=400)
    check("queue bound", c["overflow"] > 0 and len(got) == 400 - c["overflow"] and c["delayed"] <= 400,
          "%d arrived, overflow=%d" % (len(got), c["overflow"]))


def t_blackhole_schedule():
    got, c = udp_run(["--blackhole-at", "0.3", "--blackhole-for", "0.5"], pace=0.001)
    seq = ids(got)
    gap = [b - a for a, b in zip(seq, seq[1:])]
    check("black hole (schedule)", c["blackholed"] > 0 and len(got) + c["blackholed"] == N and max(gap) > 1,
          "%d arrived, blackholed=%d, one gap of %d" % (len(got), c["blackholed"], max(gap)))


def t_blackhole_signal():
    got, c = udp_run(["--blackhole-for", "0.5"], pace=0.001,
                     during=(0.3, lambda r: r.p.send_signal(signal.SIGUSR1)))
    check("black hole (SIGUSR1)", c["blackholed"] > 0 and len(got) + c["blackholed"] == N,
          "%d arrived, blackholed=%d" % (len(got), c["blackholed"]))


def t_direction():
    """--dir up: the replies (down) pass untouched while requests drop."""
    sink = Sink(echo=True)
    relay = Relay(sink.port, ["--seed", "1", "--drop", "0.3", "--dir", "up"])
    back = []
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(0.5)

    def reader():
        while True:
            try:
                back.append(c.recv(65535))
            except socket.timeout:
                return

    t = threading.Thread(target=reader)
    send_all(relay.port, client=c)
    t.start()
    sink.wait()
    t.join()
    cnt = relay.stop()
    check("direction", len(back) == len(sink.got) == N - cnt["dropped"] and cnt["dropped"] > 0,
          "%d reached the server, %d came back, dropped=%d" % (len(sink.got), len(back), cnt["dropped"]))


def tcp_server():
    """Accepts connections; each one's received bytes are stored."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)
    got = []

    def run():
        while True:
            try:
                s, _ = ls.accept()
            except OSError:
                return
            buf = bytearray()
            try:
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    buf += d
            except OSError:
                pass
            got.append(bytes(buf))
            s.close()

    threading.Thread(target=run, daemon=True).start()
    return ls, got


def tcp_send(port, data):
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(10)
        return s.recv(1) == b""  # a clean end, not a reset
    except OSError:
        return False
    finally:
        s.close()


def t_tcp():
    ls, got = tcp_server()
    relay = Relay(ls.getsockname()[1], ["--seed", "1", "--reset-after", "200000", "--delay", "0.3",
                                        "--delay-ms", "5"], tcp=True)
    data = os.urandom(1 << 20)
    first = tcp_send(relay.port, data)
    second = tcp_send(relay.port, data)
    time.sleep(0.5)
    c = relay.stop()
    ls.close()
    ok = (not first and second and c["resets"] == 1 and c["connections"] == 2 and data in got
          and c["delayed"] > 0 and len(got[0]) < len(data))
    check("tcp reset + delay", ok, "first ended %s, second %s, %s" %
          ("cleanly" if first else "by a reset", "intact" if data in got else "damaged", c))


def main():
    for t in (t_clean, t_drop, t_dup, t_corrupt, t_truncate, t_reorder, t_delay, t_mtu, t_queue,
              t_blackhole_schedule, t_blackhole_signal, t_direction, t_tcp):
        try:
            t()
        except Exception as e:  # a crash of one check is its failure
            check(t.__name__[2:], False, "raised %r" % e)
    print("fault_relay_test: %d failed" % len(FAILED))
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
