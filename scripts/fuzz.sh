#!/usr/bin/env bash
# Run every cargo-fuzz target for a bounded time from the committed seeds (fuzz/corpus/<target>);
# a crash, a timeout or an out-of-memory fails the run with the input's path and the command
# that reproduces it. Needs only a Rust toolchain: cargo-fuzz is installed (pinned) when
# missing, and without a nightly toolchain stable runs with RUSTC_BOOTSTRAP=1.
#
# Environment knobs:
#   CARTWHEEL_FUZZ_SECONDS  seconds per target (default 60; 0 skips fuzzing)
#   CARTWHEEL_FUZZ_TARGETS  space-separated targets (default: all of FUZZ_TARGETS below)
#   CARTWHEEL_FUZZ_JOBS     targets fuzzed at once (default: the number of cores)
#   CARTWHEEL_FUZZ_TARGET_DIR  build folder (default ~/.cache/cartwheel-fuzz/target)
#   CARTWHEEL_FUZZ_TOOLCHAIN   `stable`: use stable + RUSTC_BOOTSTRAP=1 even where nightly exists
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"
FUZZ="$(pwd)"
CARGO_FUZZ_VERSION=0.13.2
FUZZ_TARGETS="pyproject metadata markdown wheel sdist rst pypirc index migrate"
TARGETS="${CARTWHEEL_FUZZ_TARGETS:-$FUZZ_TARGETS}"
SECONDS_EACH="${CARTWHEEL_FUZZ_SECONDS:-60}"
# Optimised, with debug assertions and overflow checks (sizes read from archives are untrusted).
# No sanitizer: memory errors could only be in C or unsafe code, and cartwheel's own is two
# calls into C given slices' pointers and lengths (crates/cartwheel-archive: zlib's Z_BLOCK
# inflate, libdeflate's inflate);
# ASan's runtime would be one more thing a stable-only machine must provide, and an ASan build
# cost as much as this one and found nothing this one does not.
BUILD_FLAGS=(-O --debug-assertions --sanitizer none)
# Outside the clone, so CI runs on one machine rebuild incrementally (a cold build is minutes).
export CARGO_TARGET_DIR="${CARTWHEEL_FUZZ_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cartwheel-fuzz/target}"

if [ "$SECONDS_EACH" = 0 ]; then
    echo "fuzzing skipped (CARTWHEEL_FUZZ_SECONDS=0)"
    exit 0
fi

# Outputs are read whole before grep (as in build-release.sh: a pipe into `grep -q` under
# pipefail can fail when the writer gets SIGPIPE).
if ! grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION" <<<"$(cargo fuzz --version 2>/dev/null || true)"; then
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# libFuzzer's instrumentation needs unstable rustc flags.
TOOLCHAIN=()
if [ "${CARTWHEEL_FUZZ_TOOLCHAIN:-}" != stable ] && grep -q '^nightly' <<<"$(rustup toolchain list 2>/dev/null || true)"; then
    TOOLCHAIN=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi

# The fuzz crate is its own workspace: the root's `cargo fmt --all` does not see it.
cargo fmt --manifest-path "$FUZZ/Cargo.toml" -- --check

# One build for every target; each run below finds it up to date.
cargo "${TOOLCHAIN[@]}" fuzz build "${BUILD_FLAGS[@]}"

# The checks inflate members on a rayon pool: one thread keeps a run on one core.
export RAYON_NUM_THREADS=1
# As many targets at once as there are cores (CARTWHEEL_FUZZ_JOBS): each still gets its full
# SECONDS_EACH on a core of its own, and the step takes a core's share of the wall time.
JOBS="${CARTWHEEL_FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}"
failed=()
# Findings of this run only (artifacts/ may hold older ones from runs by hand).
started="$(mktemp)"
logs="$(mktemp -d)"
trap 'rm -rf "$started" "$logs"' EXIT

fuzz_one() {
    local t="$1" dict=()
    mkdir -p "$FUZZ/new-corpus/$t" "$FUZZ/artifacts/$t"
    if [ -f "$FUZZ/dict/$t.dict" ]; then
        dict=(-dict="$FUZZ/dict/$t.dict")
    fi
    # New inputs go to new-corpus/ (ignored); the committed seeds are read only. libFuzzer
    # writes a crash's input into the working directory's artifact prefix: one per target.
    cargo "${TOOLCHAIN[@]}" fuzz run "${BUILD_FLAGS[@]}" "$t" "$FUZZ/new-corpus/$t" "$FUZZ/corpus/$t" -- \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}"
}

# Each target's output is printed whole when it ends (never interleaved), with its verdict.
report() {
    local t="$1" status="$2"
    printf '\n--> fuzz %s for %ss\n' "$t" "$SECONDS_EACH"
    cat "$logs/$t.log"
    if [ "$status" != 0 ]; then
        failed+=("$t")
    fi
}

declare -A pid_of=()
running=()
for t in $TARGETS; do
    fuzz_one "$t" >"$logs/$t.log" 2>&1 &
    pid_of[$t]=$!
    running+=("$t")
    # Keep at most JOBS running: wait for the oldest (reports come out in the targets' order).
    if [ ${#running[@]} -ge "$JOBS" ]; then
        oldest="${running[0]}"
        running=("${running[@]:1}")
        status=0
        wait "${pid_of[$oldest]}" || status=$?
        report "$oldest" "$status"
    fi
done
for t in "${running[@]}"; do
    status=0
    wait "${pid_of[$t]}" || status=$?
    report "$t" "$status"
done

if [ ${#failed[@]} -gt 0 ]; then
    cargo_cmd="cargo ${TOOLCHAIN[*]:-}"
    if [ ${#TOOLCHAIN[@]} -eq 0 ]; then
        cargo_cmd="RUSTC_BOOTSTRAP=1 cargo"
    fi
    for t in "${failed[@]}"; do
        echo "FUZZ FAILURE: $t (its output is above)"
        find "$FUZZ/artifacts/$t" -type f -newer "$started" | while read -r a; do
            echo "  input: $a"
            echo "  reproduce: (cd fuzz && $cargo_cmd fuzz run ${BUILD_FLAGS[*]} $t $a)"
        done
    done
    exit 1
fi
echo "fuzzing: no crash in ${TARGETS// /, }"
