#!/usr/bin/env python3
"""Validation of a 5,000-line reStructuredText README: cartwheel beside readme_renderer.

    python3 bench/rst.py [--runs 15] [--lines 5000] [--cartwheel-wheel FILE] [--root DIR]

Builds the README from the real long descriptions pinned in tests/rst_cases.py (REAL_READMES,
downloaded once): those docutils accepts, appended while the whole stays valid, then ordinary
paragraphs up to exactly --lines lines. Times, in one process and interleaved round by round,
`readme_renderer.rst.render(text, stream=...)` (what `twine check` calls) and
`cartwheel._native.validate_rst(text)`, and prints medians, the ratio and both verdicts.

Runs in the current Python when it has cartwheel and readme_renderer; otherwise it makes a venv
in --root (default /tmp/cartwheel-bench-rst) with the pinned reference (requirements-test.txt)
and cartwheel (built from this checkout by pip + maturin, release profile, or --cartwheel-wheel),
and runs itself there. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import email.parser
import io
import os
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

import rst_cases  # the pinned READMEs live beside the test that uses them
from _support import fetch_pinned

REFERENCE = ["docutils", "readme_renderer", "Pygments", "nh3"]


def pinned_reference() -> list[str]:
    """The reference's pins from requirements-test.txt, so the benchmark renders as the tests do."""
    pins = []
    for line in (REPO / "requirements-test.txt").read_text().splitlines():
        name = line.split("==")[0].strip()
        if name in REFERENCE:
            pins.append(line.strip())
    assert len(pins) == len(REFERENCE), pins
    return pins


def ensure_env(args: argparse.Namespace) -> None:
    """Re-run inside a venv that has both sides, unless this Python already has them."""
    try:
        import readme_renderer.rst  # noqa: F401
        from cartwheel import _native  # noqa: F401
    except ImportError:
        pass
    else:
        if not args.cartwheel_wheel:
            return
    venv = Path(args.root) / "venv"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, *pinned_reference()], check=True)
    subprocess.run(
        [*pip, "--force-reinstall", "--no-deps", args.cartwheel_wheel or REPO],
        check=True,
    )
    argv = [a for a in sys.argv[1:]]
    if "--cartwheel-wheel" in argv:
        i = argv.index("--cartwheel-wheel")
        del argv[i : i + 2]
    os.execv(py, [str(py), __file__, *argv])


def description(path: Path) -> str:
    """The long description in a wheel's METADATA or an sdist's PKG-INFO (body, else the
    folded Description header, unfolded as pkginfo does)."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            raw = z.read(name)
    else:
        with tarfile.open(path) as t:
            member = min(
                (m for m in t.getmembers() if m.name.endswith("/PKG-INFO")),
                key=lambda m: m.name.count("/"),
            )
            raw = t.extractfile(member).read()
    msg = email.parser.BytesParser().parsebytes(raw)
    body = msg.get_payload(decode=True) or b""
    if body.strip():
        return body.decode("utf-8", "replace")
    folded = str(msg.get("Description", ""))
    lines = folded.split("\n")
    return "\n".join([lines[0]] + [ln[8:] if ln.startswith(" " * 8) else ln for ln in lines[1:]])


def accepted(text: str) -> bool:
    import readme_renderer.rst

    return readme_renderer.rst.render(text, stream=io.StringIO()) is not None


def build_readme(lines: int, cache: Path) -> tuple[str, list[str]]:
    """Real descriptions appended while the whole stays valid, then filler to exactly `lines`."""
    parts, used = [], []
    for url, sha in rst_cases.REAL_READMES:
        text = description(fetch_pinned(url, sha, cache)).strip("\n")
        candidate = "\n\n".join([*parts, text])
        if len(candidate.split("\n")) + 1 > lines or not accepted(candidate):
            continue
        parts.append(text)
        used.append(url.rsplit("/", 1)[1])
    readme = "\n\n".join(parts) + "\n"
    n = 0
    while len(readme.split("\n")) - 1 < lines:
        n += 1
        # A paragraph line with inline markup, then a blank line, as prose in a README reads.
        readme += f"Filler paragraph {n} with *emphasis*, ``literal`` and a `link <https://example.com/{n}>`__.\n"
        if len(readme.split("\n")) - 1 < lines:
            readme += "\n"
    assert len(readme.split("\n")) - 1 == lines, len(readme.split("\n"))
    assert accepted(readme), "the assembled README must be valid, or docutils stops early"
    return readme, used


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument(
        "--root",
        default=os.environ.get("CARTWHEEL_BENCH_ROOT", "/tmp/cartwheel-bench-rst"),
    )
    ap.add_argument(
        "--cartwheel-wheel",
        help="install this cartwheel wheel instead of building the checkout",
    )
    ap.add_argument("--save", help="also write the assembled README here")
    args = ap.parse_args()
    ensure_env(args)

    from importlib.metadata import version

    import readme_renderer.rst
    from cartwheel import _native

    readme, used = build_readme(args.lines, Path(args.root) / "downloads")
    if args.save:
        Path(args.save).write_text(readme, encoding="utf-8")

    def docutils_run() -> bool:
        return readme_renderer.rst.render(readme, stream=io.StringIO()) is not None

    def cartwheel_run() -> bool:
        return not _native.validate_rst(readme)

    def parse_only() -> bool:
        # docutils' share of the render: parse + transforms with readme_renderer's settings, no HTML.
        from docutils.core import publish_doctree
        from docutils.utils import SystemMessage

        settings = {**readme_renderer.rst.SETTINGS, "warning_stream": io.StringIO()}
        try:
            publish_doctree(readme, settings_overrides=settings)
        except SystemMessage:
            return False
        return True

    sides = {
        "readme_renderer.rst.render": docutils_run,
        "docutils publish_doctree": parse_only,
        "cartwheel validate_rst": cartwheel_run,
    }
    times: dict[str, list[float]] = {k: [] for k in sides}
    cpu: dict[str, list[float]] = {k: [] for k in sides}
    verdicts = {k: f() for k, f in sides.items()}  # warm-up round, and every verdict
    for i in range(args.runs):
        # Rotate the order each round so no side always runs first on a warmer machine.
        order = list(sides.items())[i % len(sides) :] + list(sides.items())[: i % len(sides)]
        for name, f in order:
            t0, c0 = time.perf_counter(), time.process_time()
            f()
            times[name].append(time.perf_counter() - t0)
            # CPU time too: on a loaded machine it moves much less than the wall clock.
            cpu[name].append(time.process_time() - c0)

    med = {k: statistics.median(v) for k, v in times.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"README: {args.lines} lines, {len(readme.encode())} bytes, {len(used)} real descriptions + filler")
    print(
        f"python {sys.version.split()[0]}, docutils {version('docutils')}, readme_renderer {version('readme_renderer')}"
    )
    print(f"{'':30} {'median':>10} {'min':>10} {'max':>10} {'CPU med':>10}  verdict   (runs: {args.runs})")
    for k, v in times.items():
        verdict = "valid" if verdicts[k] else "refused"
        row = f"{med[k] * 1e3:8.2f}ms {min(v) * 1e3:8.2f}ms {max(v) * 1e3:8.2f}ms {med_cpu[k] * 1e3:8.2f}ms"
        print(f"{k:30} {row}  {verdict}")
    ours = "cartwheel validate_rst"
    for ref in ("readme_renderer.rst.render", "docutils publish_doctree"):
        print(
            f"validate_rst is {med[ref] / med[ours]:.1f}x faster than {ref} "
            f"(median wall over median wall; CPU: {med_cpu[ref] / med_cpu[ours]:.1f}x)"
        )
    return 0 if len(set(verdicts.values())) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
