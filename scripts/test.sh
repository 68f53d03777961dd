#!/usr/bin/env bash
# The one test entry point: Rust checks, ruff, cartwheel's wheel, then the end-to-end suite.
# Needs only Python 3 (with venv and pip) and a Rust toolchain (cargo, rustfmt, clippy).
#
# Environment knobs:
#   CARTWHEEL_TEST_VENV   venv to create/reuse (default: .venv-test in the repo)
#   CARTWHEEL_WHEELHOUSE  reuse a folder that already holds cartwheel's wheel (skips the
#                         release build; tests/test_release_wheel.py then builds its own)
#   PYTEST_ADDOPTS        extra pytest arguments (e.g. "-k hatchling -x")
#   CARTWHEEL_TEST_JOBS   pytest workers (default: one per core; 0 runs the suite in this process)
#   CARTWHEEL_FUZZ_SECONDS seconds per fuzz target (default 60; 0 skips; see scripts/fuzz.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${CARTWHEEL_TEST_VENV:-$ROOT/.venv-test}"
start=$(date +%s)

step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "test venv: $VENV"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
export PATH="$VENV/bin:$PATH"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets --all-features -- -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo clippy for Windows and macOS (scripts/check-targets.sh)"
# The release workflow's other platforms, linted from here on every run, for each target
# rustup already has (adding one needs its download server, which a CI machine may not reach).
targets=()
installed="$(rustup target list --installed 2>/dev/null || true)"
for t in x86_64-pc-windows-gnu aarch64-apple-darwin; do
    if grep -qx "$t" <<<"$installed"; then
        targets+=("$t")
    else
        echo "skipped $t: not installed (rustup target add $t)"
    fi
done
if [ ${#targets[@]} -gt 0 ]; then
    CARTWHEEL_TEST_VENV="$VENV" bash scripts/check-targets.sh "${targets[@]}"
fi

step "cargo test --workspace --no-fail-fast"
# Every crate's tests run and report, even after one crate fails.
cargo test --workspace --no-fail-fast

step "ruff check python tests"
ruff check python tests

if [ -n "${CARTWHEEL_WHEELHOUSE:-}" ]; then
    step "reusing cartwheel's wheel from $CARTWHEEL_WHEELHOUSE"
else
    # The documented release build, compiled once: the suite tests the wheel users get, and
    # tests/test_release_wheel.py checks its tag and size.
    step "scripts/build-release.sh (cartwheel's own wheel and sdist)"
    CARTWHEEL_WHEELHOUSE="$(mktemp -d "${TMPDIR:-/tmp}/cartwheel-wheelhouse.XXXXXX")"
    CARTWHEEL_RELEASE_VENV="$VENV" PYTHON="$VENV/bin/python" bash scripts/build-release.sh "$CARTWHEEL_WHEELHOUSE"
    export CARTWHEEL_RELEASE_DIR="$CARTWHEEL_WHEELHOUSE"
fi
export CARTWHEEL_WHEELHOUSE

step "pytest"
# -p no:cacheprovider: no .pytest_cache written into the clone. One worker per core
# (pytest-xdist), a test file to a worker: the file's module fixtures are built once, and most of
# the suite waits on child processes (pip, venvs, frontends), so two cores take 10 minutes where
# one took 17.
"$VENV/bin/python" -m pytest tests -p no:cacheprovider -rfE --durations=10 \
    -n "${CARTWHEEL_TEST_JOBS:-auto}" --dist loadfile

step "fuzz: every cargo-fuzz target for ${CARTWHEEL_FUZZ_SECONDS:-60}s"
bash scripts/fuzz.sh

step "all green"
