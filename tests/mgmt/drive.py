#!/usr/bin/python3
"""tests/mgmt/drive.py: drive one management session from a script and write
its transcript.

    drive.py [--unix PATH | --tcp HOST:PORT] [--connect-timeout S]
             [--expect-timeout S] SCRIPT OUT

The script is one step per line ('#' starts a comment line):

    send TEXT        send TEXT and "\\n"
    sendraw PYBYTES  send a Python bytes literal as is, e.g. sendraw b"x\\r\\n"
    expect REGEX     wait (at most 60 s, --expect-timeout) for a received line
                     matching REGEX; on time-out or hang-up "@ TIMEOUT ..." is
                     written and the script goes on
    reply            wait until the reply to the last command is complete: a
                     line starting with SUCCESS:/ERROR:, or END, or 1.5 s of
                     silence (commands that answer nothing)
    quiet SECONDS    collect whatever arrives for SECONDS
    sleep SECONDS    sleep without reading
    close            close the socket (the transcript ends)
    hold NAME        (no wire effect) write "@ NAME" into the transcript
    touch PATH       (no wire effect) create the file PATH: tells the script
                     that runs the daemons to go on (e.g. start a second peer)
    pksign KEYFILE   answer the last >PK_SIGN:/>RSA_SIGN: line that `expect`
                     matched: sign its data with `openssl pkeyutl` and send
                     "pk-sig", the base64 lines (64 columns) and "END" (the
                     transcript says <SIG> for each signature line)
    certificate FILE send "certificate", the PEM block of FILE (from BEGIN to
                     END CERTIFICATE, the text before it left out) and "END"
                     (the >NEED-CERTIFICATE: answer; written as sent)

The transcript has one line per event: "C: text" for what we sent, "S: text"
for each line received, "@ ..." for markers. Received lines must end in CRLF:
a line without "\\r" is written as "S! text" so a diff shows it. Real-time
lines (">...") and replies are kept in the order they arrived; the normaliser
(normalise.sed) then replaces times, pids, ports and byte counts.
"""
import ast
import base64
import re
import subprocess
import socket
import sys
import time


class Session:
    def __init__(self, sock, out, expect_limit=60.0):
        self.expect_limit = expect_limit
        self.sock = sock
        self.out = out
        self.buf = b""
        self.lines = []  # received, not yet consumed by expect
        self.closed = False
        self.last_match = ""

    def _read(self, timeout):
        if self.closed:
            return False
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except OSError as e:
            self.out.write("@ recv failed: %s\n" % e.strerror)
            self.closed = True
            return False
        if not data:
            self.out.write("@ closed by the daemon\n")
            self.closed = True
            return False
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            text = line.decode("utf-8", "backslashreplace")
            if text.endswith("\r"):
                self.out.write("S: " + text[:-1] + "\n")
                self.lines.append(text[:-1])
            else:
                self.out.write("S! " + text + "\n")
                self.lines.append(text)
        # prompts without a newline ("ENTER PASSWORD:")
        if self.buf.endswith(b":") and self.buf.startswith(b"ENTER PASSWORD"):
            self.out.write("S: " + self.buf.decode() + "\n")
            self.lines.append(self.buf.decode())
            self.buf = b""
        self.out.flush()
        return True

    def expect(self, pattern):
        rx = re.compile(pattern)
        end = time.time() + self.expect_limit
        while True:
            while self.lines:
                line = self.lines.pop(0)
                if rx.search(line):
                    self.last_match = line
                    return
            if self.closed or time.time() > end:
                self.out.write("@ TIMEOUT waiting for %s\n" % pattern)
                return
            self._read(0.2)

    def reply(self):
        end = time.time() + 30
        silent_since = time.time()
        while time.time() < end and not self.closed:
            while self.lines:
                line = self.lines.pop(0)
                if line.startswith(("SUCCESS:", "ERROR:")) or line == "END":
                    self.quiet(0.3)  # lines the daemon sends right after
                    return
                silent_since = time.time()
            if time.time() - silent_since > 1.5:
                return
            self._read(0.2)

    def quiet(self, secs):
        end = time.time() + secs
        while time.time() < end and not self.closed:
            self._read(max(0.01, min(0.2, end - time.time())))

    def send(self, data):
        self.lines.clear()
        try:
            self.sock.sendall(data)
        except OSError as e:
            self.out.write("@ send failed: %s\n" % e.strerror)
            self.closed = True


def pkeyutl_opts(alg):
    """openssl pkeyutl options for 2.6's algorithm fields ("RSA_PKCS1_PADDING",
    "RSA_PKCS1_PSS_PADDING", "hashalg=SHA256", "saltlen=digest", "ECDSA")."""
    if not alg or alg[0] == "RSA_PKCS1_PADDING":
        return ["-pkeyopt", "rsa_padding_mode:pkcs1"] if alg else []
    if alg[0] == "RSA_PKCS1_PSS_PADDING":
        kv = dict(a.split("=", 1) for a in alg[1:] if "=" in a)
        salt = {"digest": "digest", "max": "max"}.get(kv.get("saltlen", "digest"), "digest")
        return ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "digest:" + kv.get("hashalg", "SHA256").lower(),
                "-pkeyopt", "rsa_pss_saltlen:" + salt]
    return []


def connect(target, limit):
    end = time.time() + limit
    while True:
        try:
            if target.startswith("unix:"):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(target[5:])
            else:
                host, port = target.rsplit(":", 1)
                s = socket.create_connection((host, int(port)))
            return s
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.1)


def main(argv):
    target = "127.0.0.1:7505"
    limit = 30.0
    expect_limit = 60.0
    args = argv[1:]
    while args and args[0].startswith("--"):
        if args[0] == "--unix":
            target = "unix:" + args[1]
        elif args[0] == "--tcp":
            target = args[1]
        elif args[0] == "--connect-timeout":
            limit = float(args[1])
        elif args[0] == "--expect-timeout":
            expect_limit = float(args[1])
        args = args[2:]
    script, outpath = args
    with open(outpath, "w") as out:
        sess = Session(connect(target, limit), out, expect_limit)
        for raw in open(script):
            step = raw.rstrip("\n")
            if not step.strip() or step.lstrip().startswith("#"):
                continue
            verb, _, arg = step.partition(" ")
            if verb == "send":
                out.write("C: " + arg + "\n")
                sess.send(arg.encode() + b"\n")
            elif verb == "sendraw":
                data = ast.literal_eval(arg)
                out.write("C# " + repr(data) + "\n")
                sess.send(data)
            elif verb == "expect":
                sess.expect(arg)
            elif verb == "reply":
                sess.reply()
            elif verb == "quiet":
                sess.quiet(float(arg))
            elif verb == "sleep":
                time.sleep(float(arg))
            elif verb == "pksign":
                fields = sess.last_match.split(":", 1)[1].split(",")
                sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", arg] + pkeyutl_opts(fields[1:]),
                                     input=base64.b64decode(fields[0]), capture_output=True, check=True).stdout
                b64 = base64.b64encode(sig).decode()
                lines = ["pk-sig"] + [b64[i:i + 64] for i in range(0, len(b64), 64)] + ["END"]
                for l in lines:  # the signature differs on every run
                    out.write("C: " + (l if l in ("pk-sig", "END") else "<SIG>") + "\n")
                sess.send(("\n".join(lines) + "\n").encode())
            elif verb == "certificate":
                pem = open(arg).read()
                pem = pem[pem.index("-----BEGIN CERTIFICATE-----"):]
                lines = ["certificate"] + [l for l in pem.split("\n") if l] + ["END"]
                for l in lines:
                    out.write("C: " + l + "\n")
                sess.send(("\n".join(lines) + "\n").encode())
            elif verb == "hold":
                out.write("@ " + arg + "\n")
            elif verb == "touch":
                open(arg, "w").close()
            elif verb == "close":
                break
            else:
                raise SystemExit("drive.py: unknown step: " + step)
            out.flush()
        sess.sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
