#!/usr/bin/env python3
"""A/B timing of hook processes: two builds of cartwheel (or any backends) side by side.

    python3 bench/ab.py PROJECT RUNS BACKEND[,BACKEND...] OP[,OP...]

Runs `bench/hook.py OP MODULE TREE` in fresh processes in the venv and trees that
`bench/run.py setup` made (`CARTWHEEL_BENCH_ROOT`, default /tmp/cartwheel-bench), one round
after another with the backends' order rotating, after one warm-up round; prints each
backend's median wall and CPU time and the median of its per-round ratios to the first.
To compare a build against an earlier one, install the earlier wheel's `cartwheel` package
under another name (`cartwheel_old/`, its `__init__.py` importing `cartwheel_old._native`) and
copy `trees/PROJECT/cartwheel` to `trees/PROJECT/cartwheel_old`.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.environ.get("CARTWHEEL_BENCH_ROOT", "/tmp/cartwheel-bench")
PY = os.path.join(ROOT, "venv", "bin", "python")
HOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hook.py")
MODULES = {"hatchling": "hatchling.build", "flit_core": "flit_core.buildapi",
           "pdm_backend": "pdm.backend", "setuptools": "setuptools.build_meta"}


def main():
    project, runs, backends, ops = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4].split(",")
    env = dict(os.environ)
    env["PATH"] = os.path.join(ROOT, "venv", "bin") + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = os.path.join(ROOT, "venv")
    for k in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "PYTHONDONTWRITEBYTECODE"):
        env.pop(k, None)
    out = tempfile.mkdtemp(prefix="ab-")

    def once(backend, op):
        tree = os.path.join(ROOT, "trees", project, backend)
        argv = [PY, HOOK, op, MODULES.get(backend, backend), tree, out, os.path.join(out, "trash")]
        os.sync()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(argv)}")
        return wall, ru.ru_utime + ru.ru_stime

    res = {(b, op): [] for b in backends for op in ops}
    for r in range(runs + 1):
        order = backends[r % len(backends):] + backends[:r % len(backends)]
        for op in ops:
            for b in order:
                x = once(b, op)
                if r:  # round 0 warms the caches
                    res[(b, op)].append(x)
    base = backends[0]
    for op in ops:
        for b in backends:
            wall = statistics.median(x[0] for x in res[(b, op)])
            cpu = statistics.median(x[1] for x in res[(b, op)])
            ratio = statistics.median(x[0] / y[0] for x, y in zip(res[(b, op)], res[(base, op)]))
            print(f"{project} {op:6} {b:16} wall {wall * 1000:7.1f} ms  cpu {cpu * 1000:7.1f} ms  x{ratio:.3f} vs {base}")
    if len(ops) > 1:
        for b in backends:
            tot = [sum(res[(b, op)][i][0] for op in ops) for i in range(runs)]
            ref = [sum(res[(base, op)][i][0] for op in ops) for i in range(runs)]
            ratio = statistics.median(x / y for x, y in zip(tot, ref))
            print(f"{project} {'+'.join(ops)} {b:16} wall {statistics.median(tot) * 1000:7.1f} ms  x{ratio:.3f} vs {base}")


if __name__ == "__main__":
    main()
