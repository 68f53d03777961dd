#!/usr/bin/env bash
# cartwheel's release artifacts for this machine's platform: the sdist and one abi3 wheel
# (CPython 3.9+), written into OUTDIR.
#
#   bash scripts/build-release.sh OUTDIR
#
# Needs only Python 3 (with venv and pip) and a Rust toolchain: the build tools (maturin, and on
# Linux ziglang and auditwheel) are installed at the versions pinned in requirements-test.txt
# into a venv of their own (CARTWHEEL_RELEASE_VENV, default .venv-release in the repo).
#
# On glibc Linux the wheel links against glibc 2.17 through zig's libc stubs (maturin --zig), so
# it is tagged manylinux_2_17 (manylinux2014) whatever the build machine's glibc, and
# `auditwheel show` must agree before the script succeeds. Elsewhere (macOS, Windows, musl: the
# release workflow's other runners) maturin's own tagging applies. Deflate level 9 everywhere:
# 4% smaller than maturin's default 6, at no cost to the installer (inflate speed is the same).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: bash scripts/build-release.sh OUTDIR" >&2
    exit 2
fi
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
# Absolute: cargo runs the zig wrappers (found through this venv's bin on PATH) in other folders.
VENV="${CARTWHEEL_RELEASE_VENV:-}"
case "$VENV" in
    "" | /*) ;;
    *) VENV="$(pwd)/$VENV" ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-$ROOT/.venv-release}"

case "$(uname -s)" in
    MINGW* | MSYS* | CYGWIN*) BIN="$VENV/Scripts" ;;
    *) BIN="$VENV/bin" ;;
esac

# One place for the pins: the lines of requirements-test.txt naming the release tools.
pins() { grep -E "^($1)==" "$ROOT/requirements-test.txt"; }

linux_glibc=""
# The output is read whole before grep: `ldd ... | grep -q` under pipefail fails at random when
# grep stops reading first and ldd dies of SIGPIPE (a CI run built a manylinux_2_34 wheel so).
if [ "$(uname -s)" = Linux ] && grep -qiE 'glibc|gnu libc' <<<"$(ldd --version 2>&1 || true)"; then
    linux_glibc=1
fi

if [ ! -x "$BIN/python" ] && [ ! -x "$BIN/python.exe" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$BIN/python"
[ -x "$PY" ] || PY="$BIN/python.exe"
if [ -n "$linux_glibc" ]; then
    tools="$(pins 'maturin|ziglang|auditwheel')"
else
    tools="$(pins 'maturin')"
fi
# shellcheck disable=SC2086 # one pin per word
"$PY" -m pip install --quiet --disable-pip-version-check $tools

# Only this run's artifacts in OUTDIR's listing below: older cartwheel files would be ambiguous.
rm -f "$OUT"/cartwheel-*.whl "$OUT"/cartwheel-*.tar.gz

"$PY" -m maturin sdist --out "$OUT"

if [ -n "$linux_glibc" ]; then
    # zig's clang turns 512-bit vectors off for its baseline x86_64 CPU, which libdeflate's
    # AVX-512 functions (enabled per function, chosen at run time) need back: -mevex512 only
    # allows them where a function's own target attribute enables AVX-512.
    if [ "$(uname -m)" = x86_64 ]; then
        export CFLAGS_x86_64_unknown_linux_gnu="${CFLAGS_x86_64_unknown_linux_gnu:-} -mevex512"
    fi
    # Panics abort (Cargo.toml), so nothing unwinds through cartwheel's code and its unwind
    # tables would only add weight. Linux only: Windows and macOS targets require them.
    export RUSTFLAGS="${RUSTFLAGS:-} -C force-unwind-tables=no"
    # `python -m ziglang` is found by maturin in the venv it runs from.
    PATH="$BIN:$PATH" "$PY" -m maturin build --release --zig --compatibility manylinux2014 \
        --compression-level 9 --interpreter "$PY" --out "$OUT"
    wheel="$(ls "$OUT"/cartwheel-*.whl)"
    "$PY" -m auditwheel show "$wheel"
    # The tag the wheel was named with must be the one auditwheel finds it consistent with.
    case "$wheel" in
        *manylinux_2_17_"$(uname -m)".whl | *manylinux_2_17_"$(uname -m)".*) ;;
        *) echo "error: $wheel is not tagged manylinux_2_17" >&2; exit 1 ;;
    esac
else
    "$PY" -m maturin build --release --compression-level 9 --interpreter "$PY" --out "$OUT"
fi

ls -l "$OUT"
