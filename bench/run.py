#!/usr/bin/env python3
"""Benchmark cartwheel against the PEP 517 backends a user would otherwise pick.

    python bench/run.py                 # = setup, then all: check + time + floor + report

Sub-commands (all take --root DIR, --projects a,b, --backends x,y):

  setup   venv with the pinned peers from PyPI and cartwheel built from this repo (pip + maturin,
          or --cartwheel-wheel FILE), the pinned sdists downloaded and extracted, and one
          variant tree per project x backend (idempotent; --downloads DIR reuses sdists)
  check   build every variant once; the wheel payload and the sdist file set must be the same
          for every backend (they are configured to hold the same files)
  time    fresh processes, as a frontend calls them: `import <backend>`, build_wheel,
          build_sdist, `python -m build --no-isolation` (e2e), and for cartwheel also
          `cartwheel build` (both artefacts in one pass); --runs N (median of N after --warmup W);
          every round runs each backend once per operation (A/B interleaved), and each ratio is
          the median of the per-round ratios against cartwheel in the same round
  memory  peak RSS of every build_wheel / build_sdist / `cartwheel build` process (GNU time)
  floor   what no backend can avoid: interpreter start, reading every file, and the
          single-threaded compute (sha256, deflate-6 per file, gzip-6 of the sdist tar) in memory
  import-time  `import cartwheel` from `python -X importtime` (median of 7; also part of floor)
  all     check + time + memory + floor, then the markdown report (--report FILE)
  report  the report again from <root>/results.json

Public tools only; nothing here is part of cartwheel's test suite.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile

import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BACKENDS = "cartwheel,uv_build,hatchling,flit_core,pdm_backend,setuptools"
PROJECTS = "tiny,matrixone,django,botocore"
OPS = ("import", "wheel", "sdist", "build", "e2e")
# The isolated end to end (--ops iso,pipi,uvb,venv,binst; not in the default run): what a user's
# frontend does with `requires = [backend]`, the backends coming from a local wheelhouse.
#   iso    `python -m build` (isolated: a venv + backend install for the sdist, again for the wheel)
#   pipi   `pip install --no-deps --target DIR TREE` (isolated build env, metadata + wheel hooks)
#   uvb    `uv build` (warm cache; uv builds uv_build projects itself, without Python)
#   venv   `python -m venv --without-pip` alone (what build makes per isolated env)
#   binst  `pip --python VENV install REQUIRES` into a fresh venv (the backend's install)
E2E_OPS = ("iso", "pipi", "uvb", "venv", "binst")
# The peers and the tools around them, pinned: ratios move only when cartwheel does.
PEERS = [
    "hatchling==1.33.0", "flit_core==4.2.0", "uv_build==0.13.6", "setuptools==84.2.1",
    "wheel==0.48.0", "pdm-backend==2.5.0", "build==1.6.1", "packaging==26.3",
    "pyproject_hooks==1.3.3", "twine==7.0.0", "check-wheel-contents==0.6.3", "uv==0.13.9",
]
# What the isolated builds install from the wheelhouse (with their dependencies), besides cartwheel.
WHEELHOUSE = ["hatchling==1.33.0", "uv_build==0.13.6"]
DISTS = ["cartwheel", "uv_build", "hatchling", "flit_core", "pdm-backend", "setuptools", "build"]


# ----------------------------------------------------------------------------- config
def load_toml(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


class Ctx:
    def __init__(self, a):
        self.root = os.path.abspath(a.root)
        self.venv = os.path.join(self.root, "venv")
        self.py = os.path.join(self.venv, "bin", "python")
        self.src = os.path.join(self.root, "src")
        self.dl = os.path.join(self.root, "dl")
        self.trees = os.path.join(self.root, "trees")
        self.out = os.path.join(self.root, "out")
        self.trash = os.path.join(self.root, "trash")
        self.wheelhouse = os.path.join(self.root, "wheelhouse")
        self.results = os.path.join(self.root, a.results)
        self.projects = load_toml(os.path.join(HERE, "projects.toml"))["projects"]
        self.backends = load_toml(os.path.join(HERE, "backends.toml"))["backends"]
        self.sel_projects = [p for p in a.projects.split(",") if p]
        self.sel_backends = [b for b in a.backends.split(",") if b]
        for p in self.sel_projects:
            if p not in self.projects:
                sys.exit(f"unknown project {p!r} (projects.toml has {', '.join(self.projects)})")
        for b in self.sel_backends:
            if b not in self.backends:
                sys.exit(f"unknown backend {b!r} (backends.toml has {', '.join(self.backends)})")
        self.env = dict(os.environ)
        # as if the venv were activated: uv_build finds its `uv-build` binary on PATH
        self.env["PATH"] = os.path.join(self.venv, "bin") + os.pathsep + self.env.get("PATH", "")
        self.env["VIRTUAL_ENV"] = self.venv
        for k in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "PYTHONDONTWRITEBYTECODE"):
            self.env.pop(k, None)
        # Isolated builds: every backend from the local wheelhouse, no index.
        self.env.update(PIP_FIND_LINKS=self.wheelhouse, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")

    def tree(self, project, backend):
        return os.path.join(self.trees, project, backend)


# ----------------------------------------------------------------------------- setup
def cmd_setup(c, a):
    os.makedirs(c.dl, exist_ok=True)
    if not os.path.exists(c.py):
        subprocess.run([sys.executable, "-m", "venv", c.venv], check=True)
    pip = [c.py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + PEERS, check=True)
    # cartwheel from this checkout: a given wheel, or pip building it with maturin (release),
    # kept in the wheelhouse that the isolated builds install their backend from.
    rm(c.wheelhouse)
    os.makedirs(c.wheelhouse)
    if a.cartwheel_wheel:
        shutil.copy(a.cartwheel_wheel, c.wheelhouse)
    else:
        subprocess.run([c.py, "-m", "pip", "wheel", "-q", "--no-deps", "-w", c.wheelhouse, REPO], check=True)
    subprocess.run([c.py, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--only-binary", ":all:",
                    "-d", c.wheelhouse] + WHEELHOUSE, check=True)
    wheel = [f for f in os.listdir(c.wheelhouse) if f.startswith("cartwheel-")][0]
    subprocess.run(pip + ["--no-deps", "--force-reinstall", os.path.join(c.wheelhouse, wheel)], check=True)
    for name in c.sel_projects:
        pc = c.projects[name]
        dst = os.path.join(c.src, pc["dir"])
        rm(dst)
        os.makedirs(c.src, exist_ok=True)
        if "local" in pc:
            shutil.copytree(os.path.join(HERE, pc["local"]), dst)
            continue
        tgz = find_sdist(c.dl, pc["dir"]) or (a.downloads and find_sdist(a.downloads, pc["dir"]))
        if not tgz:
            # --no-binary + --no-deps: the sdist only
            subprocess.run([c.py, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                            "--no-binary", ":all:", "--no-deps", pc["pip_spec"], "-d", c.dl], check=True)
            tgz = find_sdist(c.dl, pc["dir"])
            if not tgz:
                sys.exit(f"no {pc['dir']}.tar.gz after downloading {pc['pip_spec']}")
        with tarfile.open(tgz) as tf:
            tf.extractall(c.src, filter="data")
        print(f"source: {pc.get('pip_spec', name)} -> {dst}", flush=True)
    for p in c.sel_projects:
        for b in c.sel_backends:
            make_tree(c, p, b)
    print(f"setup done: {c.root}")


def find_sdist(folder, dirname):
    for n in (dirname, dirname.lower()):
        p = os.path.join(folder, n + ".tar.gz")
        if os.path.exists(p):
            return p
    return None


# ----------------------------------------------------------------------------- trees
def tq(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def tval(v):
    if isinstance(v, str):
        return tq(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(tval(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{tkey(k)} = {tval(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def tkey(k):
    return k if all(ch.isalnum() or ch in "-_" for ch in k) else tq(k)


def dump_table(name, d, out):
    out.append(f"[{name}]")
    for k, v in d.items():
        if not isinstance(v, dict):
            out.append(f"{tkey(k)} = {tval(v)}")
    out.append("")
    for k, v in d.items():
        if isinstance(v, dict):
            dump_table(f"{name}.{tkey(k)}", v, out)


def placeholders(pc, tree):
    module, root = pc["module"], pc.get("module_root", "")
    top = root or module
    ex = [(n, os.path.isdir(os.path.join(tree, n))) for n in sorted(os.listdir(tree))
          if n not in (top, "pyproject.toml", "MANIFEST.in")]
    manifest = [("graft " if d else "include ") + n for n, d in ex]
    manifest += [f"graft {root + '/' if root else ''}{module}", "global-exclude *.py[cod]", "prune **/__pycache__"]
    return {
        "module": module,
        "module_root": root,
        "module_root_dot": root or ".",
        "module_path": f"{root}/{module}" if root else module,
        "sdist_paths": tval([n for n, _ in ex]),
        "sdist_globs": tval([n + "/**" if d else n for n, d in ex]),
        "sdist_dirs_slash": tval([n + "/" if d else n for n, d in ex]),
        "manifest_in": "\n".join(manifest),
    }


def make_tree(c, project, backend):
    """The pristine tree with the project's own build files replaced by this backend's."""
    pc = c.projects[project]
    dst = c.tree(project, backend)
    rm(dst)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copytree(os.path.join(c.src, pc["dir"]), dst, symlinks=True)
    for n in pc.get("remove", []) + ["pyproject.toml"]:
        rm(os.path.join(dst, n))
    ph = placeholders(pc, dst)
    b = c.backends[backend]
    lines = ["[build-system]", f"requires = {tval(b['requires'])}", f"build-backend = {tq(b['module'])}", ""]
    dump_table("project", pc["project"], lines)
    text = "\n".join(lines) + "\n" + b.get("snippet", "").format(**ph).strip() + "\n"
    tomllib.loads(text)  # fail early on a bad snippet
    with open(os.path.join(dst, "pyproject.toml"), "w") as f:
        f.write(text)
    for name, tmpl in b.get("files", {}).items():
        with open(os.path.join(dst, name), "w") as f:
            f.write(tmpl.format(**ph))
    # What a clean tree holds at its top: hook.py moves anything else (build leftovers) away.
    with open(dst + ".toplevel", "w") as f:
        f.write("\n".join(sorted(os.listdir(dst))))
    print(f"tree {project}/{backend}: {dst}", flush=True)


def rm(p):
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p)
    elif os.path.lexists(p):
        os.remove(p)


# ----------------------------------------------------------------------------- processes
def command(c, op, project, backend, outroot):
    tree = c.tree(project, backend)
    hook = os.path.join(HERE, "hook.py")
    if op == "import":
        return [c.py, "-c", f"import {c.backends[backend]['module']}"]
    if op == "build":  # cartwheel's one-pass CLI, a console script like any other
        return [os.path.join(c.venv, "bin", "cartwheel"), "build", tree, "-o", fresh_dir(os.path.join(outroot, "cli"))]
    if op == "e2e":
        return [c.py, hook, "e2e", "-", tree, outroot, c.trash]
    if op == "iso":
        return [c.py, "-m", "build", "-o", fresh_dir(os.path.join(outroot, "iso")), tree]
    if op == "pipi":
        return [c.py, "-m", "pip", "install", "-q", "--no-deps", "--target", fresh_dir(os.path.join(outroot, "pipi")), tree]
    if op == "uvb":
        return [os.path.join(c.venv, "bin", "uv"), "build", "-q", "--python", c.py, "--no-index",
                "--find-links", c.wheelhouse, "-o", fresh_dir(os.path.join(outroot, "uvb")), tree]
    if op == "venv":
        return [c.py, "-m", "venv", "--without-pip", os.path.join(fresh_dir(os.path.join(outroot, "venv")), "v")]
    if op == "binst":
        # The fresh venv is made untimed; the timed process is the install alone (build runs the
        # outer pip with --python, as here).
        v = os.path.join(fresh_dir(os.path.join(outroot, "binst")), "v")
        subprocess.run([c.py, "-m", "venv", "--without-pip", v], check=True)
        return [c.py, "-m", "pip", "--python", os.path.join(v, "bin", "python"), "install", "-q",
                *c.backends[backend]["requires"]]
    return [c.py, hook, op, c.backends[backend]["module"], tree, outroot, c.trash]


def warm(tree):
    """Read every file of `tree` (untimed), so that each timed process finds it in the page cache.

    Without this the figures depended on what ran before: this VM keeps ~1.5 GB of page cache,
    and `python -m build -n` (six sdists unpacked and built per round) evicts the trees, so the
    process after it read its tree from disk (Django's `cartwheel build`: 0.70 s after e2e, 0.63 s
    after the hooks; with e2e last, every round's first hooks were the cold ones).
    """
    for dp, _, fns in os.walk(tree):
        for fn in fns:
            try:
                with open(os.path.join(dp, fn), "rb", buffering=0) as f:
                    while f.read(1 << 20):
                        pass
            except OSError:
                pass


def run_once(c, argv):
    """Wall seconds, CPU seconds (user + system, its children included) and stdout of one fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=c.env)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        so, se = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if p.returncode != 0:
        sys.stderr.write(so[-3000:] + se[-3000:])
        raise RuntimeError(f"command failed ({p.returncode}): {' '.join(argv)}")
    return dt, ru.ru_utime + ru.ru_stime, so


def fresh_dir(path):
    rm(path)
    os.makedirs(path)
    return path


def ops_for(backend, ops):
    # `cartwheel build` is cartwheel's; a bare venv is the same for every backend.
    return [op for op in ops if op not in ("build", "venv") or backend == "cartwheel"]


# ----------------------------------------------------------------------------- check
def payload(names):
    return {n for n in names if not n.split("/")[0].endswith(".dist-info")}


def cmd_check(c):
    """Every backend's wheel must hold the same payload, its sdist the same files."""
    res = {}
    for p in c.sel_projects:
        sets = {}
        for b in c.sel_backends:
            outroot = fresh_dir(os.path.join(c.out, "check", p, b))
            arts = {}
            for op in ("wheel", "sdist"):
                _, _, so = run_once(c, command(c, op, p, b, outroot))
                arts[op] = so.strip().splitlines()[-1]
            with zipfile.ZipFile(arts["wheel"]) as zf:
                wheel = payload(n for n in zf.namelist() if not n.endswith("/"))
            with tarfile.open(arts["sdist"]) as tf:
                sdist = {m.name.split("/", 1)[1] for m in tf.getmembers() if m.isfile() and "/" in m.name}
            sets[b] = (wheel, sdist)
            res[f"{p}/{b}"] = {"wheel_files": len(wheel), "sdist_files": len(sdist),
                               "wheel_bytes": os.path.getsize(arts["wheel"]),
                               "sdist_bytes": os.path.getsize(arts["sdist"])}
        ref_w, ref_s = sets[c.sel_backends[0]]
        for b, (w, s) in sets.items():
            # Backends add their own metadata files to the sdist (PKG-INFO, setup.cfg, egg-info).
            own = {x for x in s ^ ref_s
                   if x in ("PKG-INFO", "setup.cfg", "MANIFEST.in", "pyproject.toml.orig") or ".egg-info/" in x}
            res[f"{p}/{b}"]["wheel_diff"] = sorted(w ^ ref_w)[:10]
            res[f"{p}/{b}"]["sdist_diff"] = sorted((s ^ ref_s) - own)[:10]
            print(f"check {p}/{b}: {json.dumps(res[f'{p}/{b}'])}", flush=True)
    rm(c.trash)
    return res


# ----------------------------------------------------------------------------- time
def cmd_time(c, ops, runs, warmup, results):
    for p in c.sel_projects:
        cells = [(op, b) for op in ops for b in c.sel_backends if op in ops_for(b, ops)]
        os.sync()
        samples = {cell: [] for cell in cells}
        cpu = {cell: [] for cell in cells}
        outroot = os.path.join(c.out, "time")
        for i in range(warmup + runs):
            # Each round starts with the next backend, so no one always follows the same one.
            k = i % len(c.sel_backends)
            order = c.sel_backends[k:] + c.sel_backends[:k]
            for op in ops:
                for b in order:
                    if (op, b) not in samples:
                        continue
                    fresh_dir(outroot)
                    if op != "import":
                        warm(c.tree(p, b))
                    dt, cpu_s, _ = run_once(c, command(c, op, p, b, outroot))
                    if i >= warmup:
                        samples[(op, b)].append(dt)
                        cpu[(op, b)].append(cpu_s)
                    rm(c.trash)
                    # The previous build's deletions and dirty pages are written back now, not
                    # while the next backend is being timed.
                    os.sync()
            print(f"time {p}: round {i + 1}/{warmup + runs}", file=sys.stderr, flush=True)
        rm(outroot)
        results.setdefault("time", {})[p] = {
            f"{op}/{b}": {"s": samples[(op, b)], "cpu_s": cpu[(op, b)]} for op, b in cells}
        save(c, results)


# ----------------------------------------------------------------------------- memory
def cmd_memory(c, results):
    """Peak RSS of each build process, through GNU time: a child of this (large) Python process
    would report at least this process's size, which the kernel carries over fork and exec."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if not gnu_time:
        print("memory: no GNU time in /usr/bin or /bin; skipped", file=sys.stderr)
        return
    outroot = os.path.join(c.out, "memory")
    for p in c.sel_projects:
        row = {}
        for b in c.sel_backends:
            for op in ops_for(b, ("wheel", "sdist", "build")):
                fresh_dir(outroot)
                with tempfile.NamedTemporaryFile("r") as f:
                    run_once(c, [gnu_time, "-f", "%M", "-o", f.name, *command(c, op, p, b, outroot)])
                    row[f"{op}/{b}"] = int(f.read().split()[-1])
                rm(c.trash)
        results.setdefault("memory", {})[p] = row
        print(f"memory {p}: {json.dumps(row)}", flush=True)
        save(c, results)
    rm(outroot)


# ----------------------------------------------------------------------------- floor
def tree_bytes(d):
    n = size = largest = 0
    for dp, _, fns in os.walk(d):
        for fn in fns:
            s = os.path.getsize(os.path.join(dp, fn))
            n, size, largest = n + 1, size + s, max(largest, s)
    return n, size, largest


def cmd_floor(c, runs, results):
    for p in c.sel_projects:
        pc = c.projects[p]
        tree = os.path.join(c.src, pc["dir"])
        mod = os.path.join(tree, pc.get("module_root", ""), pc["module"])
        cmds = {
            "python -c pass": [c.py, "-c", "pass"],
            "cat sdist files": ["sh", "-c", f"cd {tree} && find . -type f -print0 | xargs -0 cat > /dev/null"],
            "python zipfile deflate-6 + sha256": [c.py, os.path.join(HERE, "floor_zip.py"), mod,
                                                  os.path.join(c.out, "floor"), "--record"],
            "tar czf (gzip -6)": ["sh", "-c", (f"mkdir -p {c.out}/floor && tar czf {c.out}/floor/s.tar.gz "
                                               f"-C {os.path.dirname(tree)} {os.path.basename(tree)}")],
        }
        row = {}
        for k, argv in cmds.items():
            row[k] = statistics.median(run_once(c, argv)[0] for _ in range(runs))
        _, _, so = run_once(c, [c.py, os.path.join(HERE, "floor_parts.py"), mod, tree, str(runs)])
        row["parts_ms"] = json.loads(so)
        wn, wb, _ = tree_bytes(mod)
        sn, sb, largest = tree_bytes(tree)
        row.update(wheel_files=wn, wheel_bytes=wb, sdist_files=sn, sdist_bytes=sb, largest_file=largest)
        results.setdefault("floor", {})[p] = row
        print(f"floor {p}: {json.dumps(row)}", flush=True)
        rm(os.path.join(c.out, "floor"))
    cmd_import_time(c, runs, results)


def cmd_import_time(c, runs, results):
    """How long cartwheel's own import takes (median), from Python's import-time log."""
    us = []
    for _ in range(max(runs, 7)):
        imp = subprocess.run([c.py, "-X", "importtime", "-c", "import cartwheel"], capture_output=True,
                             text=True, env=c.env, check=True).stderr
        us += [int(m.group(1)) for m in re.finditer(r"\|\s*(\d+) \| cartwheel$", imp, re.MULTILINE)]
    results["import_cartwheel_us"] = statistics.median(us) if us else None
    save(c, results)


# ----------------------------------------------------------------------------- report
def save(c, results):
    with open(c.results, "w") as f:
        json.dump(results, f, indent=1)


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def versions(c):
    code = ("import importlib.metadata as m, sys, platform\n"
            f"for d in {DISTS!r}:\n"
            "    print(d, m.version(d))\n"
            "print('python', sys.version.split()[0], platform.platform())\n")
    out = subprocess.run([c.py, "-c", code], capture_output=True, text=True, env=c.env, check=True).stdout.strip()
    with open("/proc/cpuinfo") as f:
        cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "?")
    return out + f"\ncpu {cpu} x{os.cpu_count()}"


def ratio_vs(t, op, b, ref="cartwheel"):
    """Median over rounds of (b's time / ref's time) in the same round."""
    xs, ys = t.get(f"{op}/{b}", {}).get("s"), t.get(f"{op}/{ref}", {}).get("s")
    if not xs or not ys:
        return float("nan")
    return med([x / y for x, y in zip(xs, ys)])


def both(t, b):
    """wheel + sdist hook processes, per round."""
    w, s = t.get(f"wheel/{b}", {}).get("s"), t.get(f"sdist/{b}", {}).get("s")
    return [x + y for x, y in zip(w, s)] if w and s else []


def ms(x):
    return "-" if math.isnan(x) else f"{x * 1000:,.0f}"


def report(c, r):
    L = [f"# cartwheel benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
         "```", versions(c), "```", "",
         "Cells: median wall ms of the whole fresh process (n runs), and in parentheses how many",
         "times cartwheel's time it is (median of the per-round ratios; > 1 = cartwheel faster).", ""]
    for p in c.sel_projects:
        t = r.get("time", {}).get(p)
        if not t:
            continue
        n = len(next(iter(t.values()))["s"])
        L += [f"## {p} (n = {n})", "",
              "| backend | import | build_wheel | build_sdist | wheel + sdist | `python -m build -n` | `cartwheel build` | peak RSS MiB (wheel / sdist / build) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for b in c.sel_backends:
            cells = []
            for op in ("import", "wheel", "sdist"):
                x = t.get(f"{op}/{b}")
                cells.append(f"{ms(med(x['s']))} ({ratio_vs(t, op, b):.2f}x)" if x else "-")
            bb, cb = both(t, b), both(t, "cartwheel")
            cells.append(f"{ms(med(bb))} ({med([x / y for x, y in zip(bb, cb)]):.2f}x)" if bb and cb else "-")
            x = t.get(f"e2e/{b}")
            cells.append(f"{ms(med(x['s']))} ({ratio_vs(t, 'e2e', b):.2f}x)" if x else "-")
            x = t.get(f"build/{b}")
            cells.append(f"{ms(med(x['s']))}" if x else "-")
            mem = r.get("memory", {}).get(p, {})
            cells.append(" / ".join(f"{mem[f'{op}/{b}'] / 1024:.0f}" for op in ("wheel", "sdist", "build")
                                    if f"{op}/{b}" in mem) or "-")
            L.append(f"| {b} | " + " | ".join(cells) + " |")
        if any(k.split("/")[0] in E2E_OPS for k in t):
            L += ["", "Isolated, end to end (backends from the local wheelhouse, whole processes):", "",
                  "| backend | `python -m build` | `pip install .` | `uv build` | fresh venv | backend install |",
                  "|---|---:|---:|---:|---:|---:|"]
            for b in c.sel_backends:
                cells = []
                for op in E2E_OPS:
                    x = t.get(f"{op}/{b}")
                    ratio = f" ({ratio_vs(t, op, b):.2f}x)" if x and f"{op}/cartwheel" in t and op != "venv" else ""
                    cells.append(f"{ms(med(x['s']))}{ratio}" if x else "-")
                L.append(f"| {b} | " + " | ".join(cells) + " |")
        if any("cpu_s" in x for x in t.values()):
            L += ["", "CPU seconds (user + system, children included; median) — what a busy machine cannot take away:", "",
                  "| backend | build_wheel | build_sdist | wheel + sdist | `cartwheel build` |", "|---|---:|---:|---:|---:|"]
            for b in c.sel_backends:
                w, sd = t.get(f"wheel/{b}", {}).get("cpu_s"), t.get(f"sdist/{b}", {}).get("cpu_s")
                one = t.get(f"build/{b}", {}).get("cpu_s")
                L.append(f"| {b} | {ms(med(w or []))} | {ms(med(sd or []))} | "
                         f"{ms(med([x + y for x, y in zip(w, sd)]) if w and sd else float('nan'))} | "
                         f"{ms(med(one)) if one else '-'} |")
        L.append("")
    fl = r.get("floor", {})
    if fl:
        L += ["## Floor", "",
              "Processes: median wall ms. Parts: one process, bytes already in memory, single-threaded",
              "(Python's zlib, i.e. the system zlib); two-core floor = (read + sha256 + deflate-6 + gzip-6) / 2.", "",
              "| project | wheel files / MB | sdist files / MB | largest file MB | python -c pass | cat sdist files | zipfile deflate-6 + sha256 | tar czf | read | sha256 | deflate-6 | gzip-6 tar | two-core floor |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for p, x in fl.items():
            pt = x["parts_ms"]
            two = (pt["read ms"] + pt["sha256 ms"] + pt["deflate-6 ms"] + pt["gzip-6 tar ms"]) / 2
            L.append(f"| {p} | {x['wheel_files']} / {x['wheel_bytes'] / 1e6:.1f} | {x['sdist_files']} / "
                     f"{x['sdist_bytes'] / 1e6:.1f} | {x['largest_file'] / 1e6:.1f} | {ms(x['python -c pass'])} | "
                     f"{ms(x['cat sdist files'])} | {ms(x['python zipfile deflate-6 + sha256'])} | "
                     f"{ms(x['tar czf (gzip -6)'])} | {pt['read ms']:.0f} | {pt['sha256 ms']:.0f} | "
                     f"{pt['deflate-6 ms']:.0f} | {pt['gzip-6 tar ms']:.0f} | {two:.0f} |")
        L.append("")
    L += targets(r)
    return "\n".join(L) + "\n"


def targets(r):
    """The issue's targets, each as measured in this run."""
    t, fl = r.get("time", {}), r.get("floor", {})
    rows = []

    def add(what, value, ok):
        rows.append(f"| {what} | {value} | {'met' if ok else '**missed**'} |")

    us = r.get("import_cartwheel_us")
    if us is not None:
        add("`import cartwheel` < 5 ms (`-X importtime`, cumulative)", f"{us / 1000:.1f} ms", us < 5000)
    if "tiny" in t:
        for op in ("wheel", "sdist"):
            for peer, goal in (("uv_build", 2), ("hatchling", 4)):
                x = ratio_vs(t["tiny"], op, peer)
                if not math.isnan(x):
                    add(f"tiny {op}: >= {goal}x faster than {peer}", f"{x:.2f}x", x >= goal)
    if "django" in t:
        d = t["django"]
        cb = both(d, "cartwheel")
        for peer, goal in (("uv_build", 2), ("hatchling", 5)):
            pb = both(d, peer)
            if pb and cb:
                x = med([a / b for a, b in zip(pb, cb)])
                add(f"Django wheel + sdist hooks: >= {goal}x faster than {peer}", f"{x:.2f}x", x >= goal)
            one = d.get("build/cartwheel", {}).get("s")
            if pb and one:
                x = med([a / b for a, b in zip(pb, one)])
                add(f"Django `cartwheel build` vs {peer} wheel + sdist hooks: >= {goal}x", f"{x:.2f}x", x >= goal)
        if "django" in fl:
            pt = fl["django"]["parts_ms"]
            two = (pt["read ms"] + pt["sha256 ms"] + pt["deflate-6 ms"] + pt["gzip-6 tar ms"]) / 2000
            if cb:
                add("Django wheel + sdist hooks within 1.3x of the two-core floor",
                    f"{med(cb):.2f} s / {two:.2f} s = {med(cb) / two:.2f}x", med(cb) / two <= 1.3)
            one = d.get("build/cartwheel", {}).get("s")
            if one:
                add("Django `cartwheel build` within 1.3x of the two-core floor",
                    f"{med(one):.2f} s / {two:.2f} s = {med(one) / two:.2f}x", med(one) / two <= 1.3)
        e2e, one = d.get("e2e/uv_build", {}).get("s"), d.get("build/cartwheel", {}).get("s")
        if e2e and one:
            x = med([a / b for a, b in zip(e2e, one)])
            add("Django `cartwheel build` >= 8x faster than `python -m build -n` with uv_build", f"{x:.1f}x", x >= 8)
        sep = [a - b for a, b in zip(cb, one)] if cb and one else []
        if sep:
            add("`cartwheel build` ahead of two separate hook calls (Django)",
                f"{med(one):.2f} s vs {med(cb):.2f} s", med(sep) > 0)
    mem = r.get("memory", {})
    if "botocore" in mem and "botocore" in fl:
        largest = fl["botocore"]["largest_file"] / 2**20
        base = mem.get("tiny", {}).get("build/cartwheel", 0) / 1024
        for op in ("build", "wheel", "sdist"):
            x = mem["botocore"].get(f"{op}/cartwheel")
            if x:
                peak = x / 1024
                add(f"botocore `{op}` peak RSS < 2 x largest file ({largest:.1f} MiB) + fixed bound",
                    f"{peak:.0f} MiB = {base:.0f} MiB (same command on tiny) + {peak - base:.0f} MiB",
                    peak - base < 2 * largest + 64)
    if not rows:
        return []
    return ["## Targets (issue #7)", "", "| target | measured | |", "|---|---|---|", *rows, "",
            "Fixed bound for memory: the same command's RSS on the tiny project plus 64 MiB for cartwheel's",
            "read-ahead (two 8 MiB batches of files, one read while the other is written, their compressed wheel",
            "entries, 8 MiB of gzip blocks: one 1 MiB block per thread, 8 to 16).", ""]


# ----------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="full",
                    choices=["full", "setup", "check", "time", "memory", "floor", "import-time", "all", "report"])
    ap.add_argument("--root", default=os.environ.get("CARTWHEEL_BENCH_ROOT", "/tmp/cartwheel-bench"))
    ap.add_argument("--projects", default=PROJECTS)
    ap.add_argument("--backends", default=BACKENDS)
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--cartwheel-wheel", help="install this cartwheel wheel instead of building the repo")
    ap.add_argument("--downloads", help="a folder that already holds the sdists (skips those downloads)")
    ap.add_argument("--results", default="results.json", help="results file in the root (merged into)")
    ap.add_argument("--report", default=None, help="markdown report file (default: print)")
    a = ap.parse_args()
    c = Ctx(a)
    os.makedirs(c.root, exist_ok=True)
    if a.command in ("full", "setup"):
        cmd_setup(c, a)
        if a.command == "setup":
            return
    path = c.results
    results = {}
    if a.command == "report" or (
        a.command in ("time", "memory", "floor", "import-time", "check") and os.path.exists(path)
    ):
        with open(path) as f:
            results = json.load(f)
    ops = [o for o in a.ops.split(",") if o]
    if a.command in ("full", "all", "check"):
        results["check"] = cmd_check(c)
        save(c, results)
    if a.command in ("full", "all", "time"):
        cmd_time(c, ops, a.runs, a.warmup, results)
    if a.command in ("full", "all", "memory"):
        cmd_memory(c, results)
    if a.command in ("full", "all", "floor"):
        cmd_floor(c, a.runs, results)
    if a.command == "import-time":
        cmd_import_time(c, a.runs, results)
    md = report(c, results)
    if a.report:
        with open(a.report, "w") as f:
            f.write(md)
        print(f"report: {a.report}")
    else:
        print(md)


if __name__ == "__main__":
    main()
