#!/usr/bin/env bash
# Type-check and lint the whole workspace (tests included) for the platforms the release
# workflow builds on but this machine is not: Windows and macOS. Catches Unix-only code outside
# `cfg(unix)` before a Windows or macOS runner does. Nothing is linked or run.
#
#   bash scripts/check-targets.sh [TARGET ...]   # default: x86_64-pc-windows-gnu aarch64-apple-darwin
#
# Needs rustup (it adds each target's standard library) and zig for the C parts of the
# dependencies (libdeflate, ring): `ziglang` from PyPI, found as `python -m ziglang` in
# $CARTWHEEL_TEST_VENV (default .venv-test, which scripts/test.sh makes) or on PATH.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
VENV="${CARTWHEEL_TEST_VENV:-$ROOT/.venv-test}"
PYTHON="$VENV/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
"$PYTHON" -m ziglang version >/dev/null || { echo "zig is needed: $PYTHON -m pip install ziglang" >&2; exit 1; }

TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(x86_64-pc-windows-gnu aarch64-apple-darwin)
WRAP="$(mktemp -d)"
trap 'rm -rf "$WRAP"' EXIT

for target in "${TARGETS[@]}"; do
    case "$target" in
        x86_64-pc-windows-gnu) zig_target=x86_64-windows-gnu ;;
        aarch64-pc-windows-gnullvm) zig_target=aarch64-windows-gnu ;;
        aarch64-apple-darwin) zig_target=aarch64-macos ;;
        x86_64-apple-darwin) zig_target=x86_64-macos ;;
        *) echo "no zig target known for $target" >&2; exit 2 ;;
    esac
    rustup target add "$target" >/dev/null
    # cc passes Rust's triple (and -arch on Apple), which zig does not read: zig gets its own.
    cat >"$WRAP/cc-$target" <<EOF
#!/usr/bin/env bash
args=()
for a in "\$@"; do case "\$a" in --target=*|-arch|arm64|x86_64) ;; *) args+=("\$a") ;; esac; done
exec "$PYTHON" -m ziglang cc -target $zig_target "\${args[@]}"
EOF
    printf '#!/usr/bin/env bash\nexec "%s" -m ziglang ar "$@"\n' "$PYTHON" >"$WRAP/ar-$target"
    chmod +x "$WRAP/cc-$target" "$WRAP/ar-$target"
    var="${target//-/_}"
    cflags=""
    # zig's clang needs evex512 spelled out for libdeflate's x86 AVX-512 paths off Linux.
    case "$target" in x86_64-*) cflags=-mevex512 ;; esac
    printf '\n==> cargo clippy --target %s\n' "$target"
    env "CC_$var=$WRAP/cc-$target" "AR_$var=$WRAP/ar-$target" "CFLAGS_$var=$cflags" \
        CARGO_TARGET_DIR="${CARTWHEEL_TARGETS_DIR:-$ROOT/target/targets}" \
        cargo clippy --workspace --all-targets --all-features --target "$target" -- -D warnings
done
echo "clean on: ${TARGETS[*]}"
