#!/usr/bin/env python3
"""tests/interop/fault_relay.py: a UDP or TCP relay that injects faults, for
the fault scenarios (tests/interop/cases/fault.sh, issue 15). These hosts have
no netem, so the faults are made in user space: the relay listens on an
address the client uses as its --remote and forwards to the real server.

  fault_relay.py --listen ADDR:PORT --to ADDR:PORT [--tcp] [faults...]

UDP (the default): each client address gets its own upstream socket (a
"session"; at most --max-sessions, dropped after --idle seconds without
traffic). Every datagram, in the directions --dir names (both, up = client
to server, down = server to client), goes through these steps in order:

  black hole   while one is on, everything is dropped (counter blackholed)
  --mtu N      a datagram whose UDP payload is longer than N bytes is
               dropped (oversize): an MTU black hole, no ICMP
  --drop P     dropped with probability P (dropped)
  --corrupt P  one random byte is flipped (corrupted)
  --truncate P cut to a random shorter length, at least 1 byte (truncated)
  --dup P      sent twice (duplicated)
  --reorder P  held back and released after the next --reorder-k datagrams
               of the same session and direction, or --reorder-ms after it
               was held if none come (reordered)
  --delay P    sent --delay-ms later (delayed)

TCP (--tcp): one upstream connection per accepted connection, bytes relayed
unchanged in both directions. --delay P delays a chunk by --delay-ms
(stream order kept); --reset-after N resets a connection (RST on both sides,
SO_LINGER 0) once it has carried N bytes in total, for the first
--reset-conns connections (0 = all) (resets). A black hole stops reading
from every connection until it ends (the kernel buffers fill, the peers'
TCP stalls).

Black holes: --blackhole-at T --blackhole-for D (seconds after start), or
SIGUSR1: a black hole of --blackhole-for seconds from now.

Bounds: held-back and delayed datagrams (or TCP chunks) are at most --queue
per relay; beyond that a datagram is dropped (overflow). A TCP direction
buffers at most 256 KiB before the relay stops reading its source.

Randomness comes from one generator seeded by --seed, so a run's decisions
are reproducible for the same packet sequence.

Counters: one line "fault_relay udp|tcp: key=value ..." on stdout at exit
(SIGTERM, SIGINT) and on SIGUSR2, and, with --stats FILE, the same line
written to FILE (replaced atomically). Keys: received forwarded dropped
blackholed oversize corrupted truncated duplicated reordered delayed
overflow sessions (UDP), and connections resets bytes_up bytes_down delayed
blackholes (TCP). "fault_relay: listening on ..." is printed once the socket
is bound; "fault_relay: black hole on/off" at each edge.
"""
import argparse
import heapq
import os
import random
import selectors
import signal
import socket
import sys
import time

UDP_MAX = 65535
TCP_CHUNK = 65536
TCP_BUF_MAX = 256 * 1024


def parse_addr(text):
    """ADDR:PORT or [V6]:PORT -> (family, (host, port))."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    return fam, (host, int(port))


def probability(text):
    p = float(text)
    if not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError("a probability is 0..1: %s" % text)
    return p


def parse_args(argv):
    ap = argparse.ArgumentParser(description="UDP/TCP relay that injects faults (see the header).")
    ap.add_argument("--listen", required=True, help="ADDR:PORT the clients use")
    ap.add_argument("--to", required=True, help="ADDR:PORT of the server")
    ap.add_argument("--tcp", action="store_true", help="relay TCP instead of UDP")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", choices=("both", "up", "down"), default="both")
    for name in ("drop", "corrupt", "truncate", "dup", "reorder", "delay"):
        ap.add_argument("--" + name, type=probability, default=0.0, metavar="P")
    ap.add_argument("--reorder-k", type=int, default=3)
    ap.add_argument("--reorder-ms", type=int, default=200)
    ap.add_argument("--delay-ms", type=int, default=50)
    ap.add_argument("--mtu", type=int, default=0, help="drop datagrams with a payload over N bytes")
    ap.add_argument("--queue", type=int, default=512, help="bound on held-back + delayed items")
    ap.add_argument("--max-sessions", type=int, default=64)
    ap.add_argument("--idle", type=float, default=300.0)
    ap.add_argument("--reset-after", type=int, default=0, metavar="BYTES")
    ap.add_argument("--reset-conns", type=int, default=1)
    ap.add_argument("--blackhole-at", type=float, default=-1.0, metavar="SECS")
    ap.add_argument("--blackhole-for", type=float, default=30.0, metavar="SECS")
    ap.add_argument("--stats", help="file for the counters line")
    return ap.parse_args(argv)


class Common:
    """What both relays share: options, the generator, counters, the black
    hole and its signals, the timer heap."""

    def __init__(self, opts, kind, keys):
        self.o = opts
        self.kind = kind
        self.rng = random.Random(opts.seed)
        self.c = dict.fromkeys(keys, 0)
        self.sel = selectors.DefaultSelector()
        self.timers = []  # heap of (when, seq, fn)
        self.seq = 0
        self.bh_until = 0.0
        self.bh_on = False
        self.dump_asked = False
        t0 = time.monotonic()
        if opts.blackhole_at >= 0:
            self.at(t0 + opts.blackhole_at, self.start_blackhole)
        self.bh_asked = False
        signal.signal(signal.SIGUSR1, lambda *_: setattr(self, "bh_asked", True))
        signal.signal(signal.SIGUSR2, lambda *_: setattr(self, "dump_asked", True))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.signal(signal.SIGINT, lambda *_: sys.exit(0))

    def at(self, when, fn):
        self.seq += 1
        heapq.heappush(self.timers, (when, self.seq, fn))

    def chance(self, p):
        return p > 0.0 and self.rng.random() < p

    def start_blackhole(self):
        self.bh_until = time.monotonic() + self.o.blackhole_for
        self.at(self.bh_until, self.check_blackhole)
        self.check_blackhole()

    def check_blackhole(self):
        on = time.monotonic() < self.bh_until
        if on != self.bh_on:
            self.bh_on = on
            say("black hole %s" % ("on (%g s)" % self.o.blackhole_for if on else "off"))
            self.blackhole_changed()

    def blackhole_changed(self):
        pass

    def run_timers(self):
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            heapq.heappop(self.timers)[2]()
        return min(0.2, max(0.0, self.timers[0][0] - now)) if self.timers else 0.2

    def line(self):
        return "fault_relay %s: %s" % (self.kind, " ".join("%s=%d" % kv for kv in self.c.items()))

    def dump(self):
        text = self.line()
        say(text, raw=True)
        if self.o.stats:
            tmp = self.o.stats + ".tmp"
            with open(tmp, "w") as f:
                f.write(text + "\n")
            os.replace(tmp, self.o.stats)

    def loop(self):
        while True:
            if self.bh_asked:
                self.bh_asked = False
                self.start_blackhole()
            timeout = self.run_timers()
            if self.dump_asked:
                self.dump_asked = False
                self.dump()
            for key, mask in self.sel.select(timeout):
                key.data(mask)
            self.tick()

    def tick(self):
        pass


def say(text, raw=False):
    sys.stdout.write((text if raw else "fault_relay: " + text) + "\n")
    sys.stdout.flush()


class Held:
    """Datagrams held back by --reorder in one session and direction."""

    def __init__(self):
        self.items = []  # [countdown, deadline, payload]


class UdpSession:
    def __init__(self, relay, client, up):
        self.client = client
        self.up = up
        self.last = time.monotonic()
        self.held = {"up": Held(), "down": Held()}
        self.relay = relay


class UdpRelay(Common):
    KEYS = ("received", "forwarded", "dropped", "blackholed", "oversize", "corrupted", "truncated",
            "duplicated", "reordered", "delayed", "overflow", "sessions")

    def __init__(self, opts):
        super().__init__(opts, "udp", self.KEYS)
        fam, self.listen_addr = parse_addr(opts.listen)
        self.up_fam, self.target = parse_addr(opts.to)
        self.lsock = socket.socket(fam, socket.SOCK_DGRAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(self.listen_addr)
        self.lsock.setblocking(False)
        self.sel.register(self.lsock, selectors.EVENT_READ, self.on_client)
        self.sessions = {}
        self.queued = 0
        self.at(time.monotonic() + 1.0, self.expire)
        say("listening on udp %s, to %s" % (opts.listen, opts.to))

    def faulty(self, direction):
        return self.o.dir in ("both", direction)

    def on_client(self, _mask):
        for _ in range(64):
            try:
                data, client = self.lsock.recvfrom(UDP_MAX)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            s = self.session(client)
            if s:
                self.handle(s, "up", data)

    def on_server(self, s, _mask):
        for _ in range(64):
            try:
                data = s.up.recv(UDP_MAX)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # ICMP unreachable from the server side: ignore
                continue
            self.handle(s, "down", data)

    def session(self, client):
        s = self.sessions.get(client)
        if s is None:
            if len(self.sessions) >= self.o.max_sessions:
                self.c["overflow"] += 1
                return None
            up = socket.socket(self.up_fam, socket.SOCK_DGRAM)
            up.connect(self.target)
            up.setblocking(False)
            s = UdpSession(self, client, up)
            self.sessions[client] = s
            self.sel.register(up, selectors.EVENT_READ, lambda m, s=s: self.on_server(s, m))
            self.c["sessions"] += 1
        s.last = time.monotonic()
        return s

    def expire(self):
        now = time.monotonic()
        for client, s in list(self.sessions.items()):
            if now - s.last > self.o.idle:
                self.sel.unregister(s.up)
                s.up.close()
                del self.sessions[client]
        self.at(now + 1.0, self.expire)

    def send(self, s, direction, data):
        try:
            if direction == "up":
                s.up.send(data)
            else:
                self.lsock.sendto(data, s.client)
            self.c["forwarded"] += 1
        except OSError:
            self.c["dropped"] += 1

    def handle(self, s, direction, data):
        self.c["received"] += 1
        if self.bh_on:
            self.c["blackholed"] += 1
            return
        if self.o.mtu and len(data) > self.o.mtu:
            self.c["oversize"] += 1
            return
        if not self.faulty(direction):
            self.send(s, direction, data)
            return
        copies = self.mangle(data)
        if copies:
            for d in copies:
                self.place(s, direction, d)

    def mangle(self, data):
        """The random faults on one datagram; the copies to send (none = dropped)."""
        o = self.o
        if self.chance(o.drop):
            self.c["dropped"] += 1
            return []
        if self.chance(o.corrupt) and data:
            b = bytearray(data)
            b[self.rng.randrange(len(b))] ^= self.rng.randrange(1, 256)
            data = bytes(b)
            self.c["corrupted"] += 1
        if self.chance(o.truncate) and len(data) > 1:
            data = data[: self.rng.randrange(1, len(data))]
            self.c["truncated"] += 1
        if self.chance(o.dup):
            self.c["duplicated"] += 1
            return [data, data]
        return [data]

    def place(self, s, direction, data):
        """Send now, hold back (reorder) or delay; releases held datagrams."""
        o = self.o
        if self.chance(o.reorder) and self.queued < o.queue:
            self.queued += 1
            self.c["reordered"] += 1
            s.held[direction].items.append([o.reorder_k, time.monotonic() + o.reorder_ms / 1000.0, data])
            return
        if self.chance(o.delay):
            if self.queued >= o.queue:
                self.c["overflow"] += 1
                return
            self.queued += 1
            self.c["delayed"] += 1
            self.at(time.monotonic() + o.delay_ms / 1000.0, lambda: self.release(s, direction, data))
        else:
            self.send(s, direction, data)
        self.count_down(s, direction)

    def release(self, s, direction, data):
        self.queued -= 1
        self.send(s, direction, data)

    def count_down(self, s, direction):
        held = s.held[direction]
        if not held.items:
            return
        keep = []
        for item in held.items:
            item[0] -= 1
            if item[0] <= 0:
                self.release(s, direction, item[2])
            else:
                keep.append(item)
        held.items = keep

    def tick(self):
        """Held datagrams whose follow-ups never came go out after --reorder-ms."""
        if not self.queued:
            return
        now = time.monotonic()
        for s in self.sessions.values():
            for direction, held in s.held.items():
                if held.items and held.items[0][1] <= now:
                    due = [i for i in held.items if i[1] <= now]
                    held.items = [i for i in held.items if i[1] > now]
                    for item in due:
                        self.release(s, direction, item[2])


class TcpPipe:
    """One relayed connection: two sockets, a buffer per direction."""

    def __init__(self, index, a, b):
        self.index = index
        self.socks = {"up": (a, b), "down": (b, a)}  # direction -> (source, destination)
        self.out = {"up": bytearray(), "down": bytearray()}
        self.pending = {"up": 0, "down": 0}  # delayed chunks not yet in out
        self.release_at = {"up": 0.0, "down": 0.0}
        self.eof = {"up": False, "down": False}
        self.bytes = 0
        self.closed = False


class TcpRelay(Common):
    KEYS = ("connections", "resets", "bytes_up", "bytes_down", "delayed", "blackholes", "overflow")

    def __init__(self, opts):
        super().__init__(opts, "tcp", self.KEYS)
        fam, addr = parse_addr(opts.listen)
        self.up_fam, self.target = parse_addr(opts.to)
        self.lsock = socket.socket(fam, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(addr)
        self.lsock.listen(16)
        self.lsock.setblocking(False)
        self.sel.register(self.lsock, selectors.EVENT_READ, self.on_accept)
        self.pipes = []
        self.queued = 0
        say("listening on tcp %s, to %s" % (opts.listen, opts.to))

    def blackhole_changed(self):
        if self.bh_on:
            self.c["blackholes"] += 1
        self.tick()

    def on_accept(self, _mask):
        try:
            a, _ = self.lsock.accept()
        except OSError:
            return
        b = socket.socket(self.up_fam, socket.SOCK_STREAM)
        b.settimeout(5)
        try:
            b.connect(self.target)
        except OSError as e:
            say("upstream connect failed: %s" % e)
            a.close()
            b.close()
            return
        for x in (a, b):
            x.setblocking(False)
            x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.c["connections"] += 1
        p = TcpPipe(self.c["connections"], a, b)
        self.pipes.append(p)
        for x in (a, b):
            self.sel.register(x, selectors.EVENT_READ, lambda m, p=p, x=x: self.on_sock(p, x, m))
        self.tick()

    def on_sock(self, p, sock, mask):
        if p.closed:
            return
        for direction, (src, dst) in p.socks.items():
            if sock is src and mask & selectors.EVENT_READ:
                self.read(p, direction)
            if sock is dst and mask & selectors.EVENT_WRITE and not p.closed:
                self.write(p, direction)

    def read(self, p, direction):
        src = p.socks[direction][0]
        try:
            data = src.recv(TCP_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.close(p, reset=True)
            return
        if not data:
            p.eof[direction] = True
            self.flush_eof(p, direction)
            return
        self.c["bytes_" + direction] += len(data)
        p.bytes += len(data)
        if self.chance(self.o.delay) and self.queued < self.o.queue:
            self.c["delayed"] += 1
            self.queued += 1
            p.pending[direction] += 1
            when = max(time.monotonic() + self.o.delay_ms / 1000.0, p.release_at[direction])
            p.release_at[direction] = when
            self.at(when, lambda: self.release(p, direction, data))
        elif p.pending[direction]:  # keep the stream's order behind delayed chunks
            p.pending[direction] += 1
            self.queued += 1
            self.at(p.release_at[direction], lambda: self.release(p, direction, data))
        else:
            p.out[direction] += data
            self.write(p, direction)
        self.maybe_reset(p)

    def release(self, p, direction, data):
        self.queued -= 1
        p.pending[direction] -= 1
        if not p.closed:
            p.out[direction] += data
            self.write(p, direction)
            self.flush_eof(p, direction)

    def write(self, p, direction):
        buf = p.out[direction]
        if not buf:
            return
        try:
            n = p.socks[direction][1].send(buf)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.close(p, reset=True)
            return
        del buf[:n]
        self.flush_eof(p, direction)

    def flush_eof(self, p, direction):
        """The source closed and everything it sent went out: half-close."""
        if p.eof[direction] and not p.out[direction] and not p.pending[direction]:
            try:
                p.socks[direction][1].shutdown(socket.SHUT_WR)
            except OSError:
                pass
            if all(p.eof.values()):
                self.close(p, reset=False)

    def maybe_reset(self, p):
        o = self.o
        if not o.reset_after or p.bytes < o.reset_after:
            return
        if o.reset_conns and p.index > o.reset_conns:
            return
        self.c["resets"] += 1
        say("reset connection %d after %d bytes" % (p.index, p.bytes))
        self.close(p, reset=True)

    def close(self, p, reset):
        if p.closed:
            return
        p.closed = True
        for s in p.socks["up"]:
            if reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            try:
                self.sel.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()
        self.pipes.remove(p)

    def tick(self):
        """Each socket's interest: read while no black hole and the far
        side's buffer has room, write while its buffer holds data."""
        for p in self.pipes:
            for sock in p.socks["up"]:
                mask = 0
                for direction, (src, dst) in p.socks.items():
                    if sock is src and not self.bh_on and not p.eof[direction]:
                        if len(p.out[direction]) < TCP_BUF_MAX:
                            mask |= selectors.EVENT_READ
                    if sock is dst and p.out[direction]:
                        mask |= selectors.EVENT_WRITE
                self.interest(p, sock, mask)

    def interest(self, p, sock, mask):
        try:
            key = self.sel.get_key(sock)
        except (KeyError, ValueError):
            key = None
        if key and key.events == mask:
            return
        if key:
            self.sel.unregister(sock)
        if mask:
            self.sel.register(sock, mask, lambda m, p=p, x=sock: self.on_sock(p, x, m))


def main(argv):
    opts = parse_args(argv)
    relay = TcpRelay(opts) if opts.tcp else UdpRelay(opts)
    try:
        relay.loop()
    finally:
        relay.dump()


if __name__ == "__main__":
    main(sys.argv[1:])
