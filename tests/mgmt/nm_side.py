#!/usr/bin/python3
"""tests/mgmt/nm_side.py: NetworkManager-openvpn's side of the management
socket (its nm-openvpn-service.c, handle_management_socket / handle_auth /
write_user_pass), for a connection of type "password-tls" in interactive
mode:

- connect to the unix socket, retrying (NM retries the connect on a timer);
- read lines; on ">PASSWORD:Need 'Auth' username/password" write
  'username "Auth" "<user>"' and 'password "Auth" "<pass>"' in one write
  (NM quotes both with ovpn_quote_string: backslash before '"' and '\\');
- on ">PASSWORD:Verification Failed: 'Auth'" forget the password (NM asks
  the user again; here the next password of the list) and wait for the
  next Need;
- any other >PASSWORD:Verification Failed ends the session as a failure.

    nm_side.py SOCKET USER PASS1 [PASS2 ...] --until FILE [--timeout S]

Stops (exit 0) once FILE exists (the --up helper's mark: NM learns that the
tunnel is up over D-Bus from that helper), exit 1 on failure or time-out.
Prints every line it read and what it wrote (passwords as <pass N>).
"""
import os
import socket
import sys
import time


def quote(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def main(argv):
    args = argv[1:]
    until, limit = None, 90.0
    if "--until" in args:
        i = args.index("--until")
        until = args[i + 1]
        del args[i:i + 2]
    if "--timeout" in args:
        i = args.index("--timeout")
        limit = float(args[i + 1])
        del args[i:i + 2]
    path, user, passwords = args[0], args[1], args[2:]
    end = time.time() + limit
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.time() > end:
                print("nm: cannot connect to", path)
                return 1
            time.sleep(0.2)
    print("nm: connected")
    s.settimeout(0.2)
    buf = b""
    tries = 0
    password = passwords[0] if passwords else None
    while time.time() < end:
        if until and os.path.exists(until):
            print("nm: the up helper ran; tries:", tries)
            s.close()
            return 0
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        if not data:
            print("nm: the daemon closed the socket")
            return 1
        buf += data
        while b"\n" in buf:
            raw, buf = buf.split(b"\n", 1)
            line = raw.decode("utf-8", "replace").rstrip("\r")
            print("nm: read", line)
            if line.startswith(">PASSWORD:Need 'Auth'"):
                if password is None:
                    print("nm: no password left to give")
                    return 1
                s.sendall(('username "Auth" "%s"\npassword "Auth" "%s"\n' % (quote(user), quote(password))).encode())
                print('nm: wrote username "Auth" "%s" / password "Auth" <pass %d>' % (user, tries + 1))
                tries += 1
            elif line.startswith(">PASSWORD:Verification Failed: 'Auth'"):
                password = passwords[tries] if tries < len(passwords) else None
            elif line.startswith(">PASSWORD:Verification Failed: "):
                print("nm: verification failed, giving up")
                return 1
    print("nm: time-out")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
