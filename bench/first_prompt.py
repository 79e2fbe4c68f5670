#!/usr/bin/env python3
"""Time from starting `kcsh` in a pseudo-terminal to its first prompt, over N runs.

Usage: first_prompt.py KCSH_BINARY URL RUNS  -> prints one duration in seconds per line.
Std-only (pty, select), so the benchmark needs nothing beyond python3.
"""
import os
import pty
import select
import signal
import sys
import time


def one_run(binary, url):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, NO_COLOR="1", TERM="xterm")
        os.execve(binary, [binary, "--url", url], env)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 30)
            if not ready:
                raise SystemExit("no prompt within 30 s; screen so far: %r" % seen[-500:])
            chunk = os.read(fd, 4096)
            if not chunk:
                raise SystemExit("kcsh exited before its prompt: %r" % seen[-500:])
            seen += chunk
            if b"> " in seen.split(b"\n")[-1]:
                return time.perf_counter() - start
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main():
    binary, url, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for _ in range(runs):
        print("%.4f" % one_run(binary, url))


if __name__ == "__main__":
    main()
