#!/usr/bin/env python3
"""How often `cartwheel check` (default level) FAILS a file PyPI accepted and `twine check` passes.

    python3 bench/check_real.py OUTDIR [--packages a,b,c] [--cartwheel PATH] [--twine PATH]

Downloads, for each package (default: PACKAGES below, popular pure-Python and mixed projects),
the newest sdist and one wheel from PyPI into OUTDIR/dists (kept: a second run reuses them),
runs `cartwheel check --format json` and `twine check` on every file, and prints per file the two
verdicts, then every FAILED that twine passed with the codes that failed it, and the rate.
Every one of those files is on PyPI already: a FAILED there is either a rule PyPI enforces on
new uploads only (a finding worth keeping) or a false alarm (a cartwheel bug).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

PACKAGES = (  # noqa: SIM905 - a list of names reads better as words
    "requests urllib3 certifi idna charset-normalizer six python-dateutil packaging pyyaml "
    "attrs click jinja2 markupsafe setuptools wheel pip typing-extensions pluggy pytest "
    "iniconfig tomli filelock platformdirs virtualenv colorama pygments rich docutils sphinx "
    "babel pytz tzdata jsonschema referencing rpds-py pydantic annotated-types anyio sniffio "
    "h11 httpcore httpx itsdangerous werkzeug flask markdown-it-py mdurl decorator wrapt "
    "more-itertools zipp importlib-metadata tqdm toml tomlkit pyparsing cachetools rsa "
    "pyasn1 google-auth protobuf grpcio-status boto3 botocore s3transfer jmespath psutil "
    "distlib cffi pycparser cryptography sqlalchemy alembic mako greenlet networkx sympy "
    "mpmath pillow numpy"
).split()


def newest(name: str) -> dict[str, str]:
    """The newest release's sdist and wheel URLs (the pure wheel if any, else a manylinux x86_64 one)."""
    api = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(api, timeout=60) as r:
        files = json.load(r)["urls"]
    out: dict[str, str] = {}
    sdists = [f for f in files if f["packagetype"] == "sdist"]
    wheels = [f for f in files if f["packagetype"] == "bdist_wheel"]
    pure = [f for f in wheels if f["filename"].endswith("-none-any.whl")]
    linux = [
        f for f in wheels if "manylinux" in f["filename"] and "x86_64" in f["filename"]
    ]
    for kind, chosen in (("sdist", sdists), ("wheel", pure or linux)):
        if chosen:
            # A mirror may answer with URLs relative to the API's.
            out[kind] = urllib.parse.urljoin(api, chosen[0]["url"])
    return out


def fetch(url: str, folder: Path) -> Path:
    path = folder / url.rsplit("/", 1)[1]
    if not path.exists():
        tmp = path.with_suffix(path.suffix + ".part")
        with urllib.request.urlopen(url, timeout=300) as r, open(tmp, "wb") as f:
            shutil.copyfileobj(r, f)
        tmp.rename(path)
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--packages", default=",".join(PACKAGES))
    ap.add_argument("--cartwheel", default=shutil.which("cartwheel") or "cartwheel")
    ap.add_argument("--twine", default=shutil.which("twine") or "twine")
    args = ap.parse_args()
    dists = args.outdir / "dists"
    dists.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for name in args.packages.split(","):
        try:
            files += [fetch(url, dists) for url in newest(name).values()]
        except Exception as e:  # noqa: BLE001 - a package that cannot be fetched is reported, not fatal
            print(f"skip {name}: {e}", file=sys.stderr)

    rows = []
    for path in files:
        cw = subprocess.run(
            [args.cartwheel, "check", "--format", "json", path],
            check=False,
            capture_output=True,
            text=True,
        )
        report = json.loads(cw.stdout)[0]
        tw = subprocess.run(
            [args.twine, "check", path], check=False, capture_output=True, text=True
        )
        twine_ok = tw.returncode == 0
        failed_by = sorted(
            {p["code"] for p in report["problems"] if p["severity"] == "error"}
        )
        rows.append(
            (path.name, report["verdict"], twine_ok, failed_by, report["problems"])
        )

    for name, verdict, twine_ok, failed_by, _ in rows:
        print(
            f"{verdict:22} twine {'PASSED' if twine_ok else 'FAILED':6} {name} {' '.join(failed_by)}"
        )
    false_failed = [r for r in rows if r[1] == "failed" and r[2]]
    print(
        f"\n{len(rows)} files; twine passes {sum(r[2] for r in rows)}; "
        f"cartwheel FAILS {sum(r[1] == 'failed' for r in rows)}, of which twine passes {len(false_failed)}"
    )
    for name, _, _, _, problems in false_failed:
        print(f"\n{name}")
        for p in problems:
            if p["severity"] == "error":
                print(f"  {p['code']}: {p['message']} [{p.get('location') or ''}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
