#!/usr/bin/env python3
"""tests/interop/pty_run.py PROMPT ANSWER -- CMD...: run CMD on a new
pseudo-terminal (its controlling tty), copy everything it prints to our
stdout, and type ANSWER + newline each time its output ends with PROMPT
(the terminal prompt a daemon shows for a secret, e.g. --static-challenge's
"CHALLENGE: ..."). Exits with CMD's status; SIGTERM is passed on."""
import os
import pty
import signal
import sys


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.exit("usage: pty_run.py PROMPT ANSWER -- CMD...")
    prompt, answer, cmd = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[4:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))
    seen = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except InterruptedError:
            continue
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        seen = (seen + data)[-len(prompt) - 64:]
        if seen.rstrip().endswith(prompt.rstrip()):
            os.write(fd, answer + b"\n")
            seen = b""
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
