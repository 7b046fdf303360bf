#!/usr/bin/python3
"""tests/mgmt/normalise.py: make a management transcript comparable between
runs and binaries: times, pids, ephemeral ports, byte counts and per-run
values become placeholders. Reads the raw transcript on stdin, writes the
normalised one on stdout.

    <T>     a unix time            <DATE>  "YYYY-MM-DD HH:MM:SS"
    <PID>   a process id           <PORT>  a port other than 1194/7505/7506
    <N>     a byte count           <X>     a per-run value (session ids, ...)

    normalise.py --sort-rows: also sort each run of consecutive status rows
    of a server (CLIENT_LIST, ROUTING_TABLE and the version-1 rows), whose
    order is 2.6's hash order (seeded at random on each run).
"""
import re
import sys

RULES = [
    # real-time and history lines start with a unix time
    (re.compile(r"^(S: (?:>STATE:|>LOG:|>ECHO:)?)\d{9,10},"), r"\1<T>,"),
    (re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b"), "<DATE>"),
    (re.compile(r"(pid=)\d+"), r"\1<PID>"),
    (re.compile(r"(daemon_pid=)\d+"), r"\1<PID>"),
    (re.compile(r"\b1[6-9]\d{8}\b"), "<T>"),
    # byte counters
    (re.compile(r"(>BYTECOUNT:)\d+,\d+"), r"\1<N>,<N>"),
    (re.compile(r"(>BYTECOUNT_CLI:\d+,)\d+,\d+"), r"\1<N>,<N>"),
    (re.compile(r"(bytesin=)\d+(,bytesout=)\d+"), r"\1<N>\2<N>"),
    (re.compile(r"(bytes_(?:received|sent)=)\d+"), r"\1<N>"),
    (re.compile(r"((?:TUN/TAP|TCP/UDP|Auth) (?:read|write) bytes[,\t])\d+"), r"\1<N>"),
    (re.compile(r"((?:pre|post)-(?:de)?compress bytes[,\t])\d+"), r"\1<N>"),
    # status client rows: address, bytes received, bytes sent
    (re.compile(r"^(S: (?:CLIENT_LIST[,\t])?[^,\t]+[,\t][0-9.]+:)\d+([,\t](?:[0-9.]*[,\t])?(?:[0-9a-f:]*[,\t])?)\d+([,\t])\d+"),
     r"\1<PORT>\2<N>\3<N>"),
    (re.compile(r"^(S: (?:ROUTING_TABLE[,\t])?[0-9.]+C?[,\t][^,\t]+[,\t][0-9.]+:)\d+"), r"\1<PORT>"),
    # ports of the client side and of accepted management connections
    (re.compile(r"((?:untrusted|trusted)_port=)\d+"), r"\1<PORT>"),
    (re.compile(r"(\[AF_INET6?\][0-9a-f.:]+:)(?!1194\b|7505\b|7506\b)\d+"), r"\1<PORT>"),
    (re.compile(r"(10\.93\.0\.2[:,])(?!1194\b)\d+"), r"\1<PORT>"),
    (re.compile(r"^(S: (?:>STATE:)?<T>,CONNECTED,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,)\d+"), r"\1<PORT>"),
    # values that differ on every run
    (re.compile(r"^(S: >(?:PK|RSA)_SIGN:)[^,]*"), r"\1<X>"),
    (re.compile(r"(config=)/tmp/mgmt-capture\.[^/]*/"), r"\1<WORK>/"),
    (re.compile(r"((?:session_id|IV_HWADDR|tls_digest(?:_sha256)?_\d+|time_duration|ifconfig_pool_local_ip|"
                r"IV_PLAT_VER)=).*"), r"\1<X>"),
]


def normalise(line):
    if not line.startswith("S"):
        return line
    for rx, repl in RULES:
        line = rx.sub(repl, line)
    return line


ROW = re.compile(r"^S: (?:CLIENT_LIST|ROUTING_TABLE)[,\t]|^S: [^,>]+,[0-9.]+:<PORT>,|"
                 r"^S: [0-9a-f.:/]+C?,[^,]+,[0-9.]+:<PORT>,")


def sort_rows(lines):
    out, run = [], []
    for line in lines + [None]:
        if line is not None and ROW.search(line):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        if line is not None:
            out.append(line)
    return out


def main():
    lines = [normalise(line.rstrip("\n")) for line in sys.stdin]
    if "--sort-rows" in sys.argv[1:]:
        lines = sort_rows(lines)
    for line in lines:
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
