"""Time `cartwheel publish` beside `twine upload` and `uv publish`: Django's wheel + sdist to a
local pypiserver (htpasswd auth), a fresh server and package folder for every timed upload.

    python3 bench/publish.py --cartwheel VENV/bin/cartwheel --twine T --uv U --pypi-server P \
        --wheel W --sdist S [--rounds 7]

Each round runs the three tools in a rotating order; medians of the wall times are printed.
Public tools only; nothing here is part of cartwheel's test suite.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

PASSWORD = "bench-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(pypi_server: str, htpasswd: Path, packages: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [pypi_server, "run", "--host", "127.0.0.1", "-p", str(port), "-P", str(htpasswd), "-a", "update", str(packages)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/simple/", timeout=1).close()
            return proc, url
        except OSError:
            time.sleep(0.05)
    raise SystemExit("pypiserver did not start")


def main() -> None:
    ap = argparse.ArgumentParser()
    for k in ("cartwheel", "twine", "uv", "pypi-server", "wheel", "sdist"):
        ap.add_argument(f"--{k}", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    from passlib.apache import HtpasswdFile

    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    htpasswd = work / "htpasswd"
    ht = HtpasswdFile(str(htpasswd), new=True)
    ht.set_password("alice", PASSWORD)
    ht.save()
    files = [a.wheel, a.sdist]
    env = dict(os.environ, CARTWHEEL_PASSWORD=PASSWORD, TWINE_PASSWORD=PASSWORD, UV_PUBLISH_PASSWORD=PASSWORD)
    tools = {
        "cartwheel publish": lambda url: [a.cartwheel, "publish", "--repository-url", url + "/", "-u", "alice", *files],
        "twine upload": lambda url: [a.twine, "upload", "--non-interactive", "--disable-progress-bar",
                                     "--repository-url", url + "/", "-u", "alice", *files],
        "uv publish": lambda url: [a.uv, "publish", "--publish-url", url + "/", "-u", "alice", *files],
    }
    times: dict[str, list[float]] = {k: [] for k in tools}
    names = list(tools)
    for r in range(a.rounds):
        order = names[r % 3 :] + names[: r % 3]
        for name in order:
            packages = work / f"packages-{r}-{name.split()[0]}"
            packages.mkdir()
            server, url = start(a.pypi_server, htpasswd, packages)
            try:
                t0 = time.perf_counter()
                p = subprocess.run(tools[name](url), env=env, capture_output=True, text=True, check=False)
                dt = time.perf_counter() - t0
            finally:
                server.terminate()
                server.wait()
            stored = sorted(x.name for x in packages.iterdir())
            if p.returncode != 0 or len(stored) != 2:
                raise SystemExit(f"{name} failed ({p.returncode}, {stored}):\n{p.stdout}\n{p.stderr}")
            times[name].append(dt)
        print(f"round {r + 1}: " + ", ".join(f"{n} {times[n][-1] * 1000:.0f} ms" for n in names), flush=True)
    base = statistics.median(times["cartwheel publish"])
    print("\n| tool | median | min | max | vs cartwheel |\n|---|---:|---:|---:|---:|")
    for n in names:
        m = statistics.median(times[n])
        print(f"| {n} | {m * 1000:.0f} ms | {min(times[n]) * 1000:.0f} ms | {max(times[n]) * 1000:.0f} ms | {m / base:.2f}x |")


if __name__ == "__main__":
    main()
