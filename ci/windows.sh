#!/usr/bin/env bash
# The Windows check: builds bc2m365.exe (x86_64-pc-windows-gnu, with mingw-w64), runs every convert and
# validate case the tests compare with expected outputs under Wine, and compares everything it wrote with
# what the Linux build writes, byte for byte (ci/wine/compare.py).
#
# usage: ci/windows.sh [CASES]
#   CASES: the cases the integration tests recorded (BC2M365_CASES, see tests/common/mod.rs), as .ci/run
#   records them during `cargo test`; without it, the tests that compare expected outputs are run to
#   record them.
# Installs what is missing (the Rust target, mingw-w64, a 64-bit Wine) with rustup and apt-get, as root.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
work=target/windows-check
mkdir -p "$work"
started=$SECONDS

# What the check needs, installed only where missing. wine64 alone is a 64-bit Wine without the i386
# architecture; it has no `wine` command, so its loader is called by path.
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
[[ -x $wine ]] || missing+=(wine64)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
fi

# Both builds, and the unit tests for Windows (some hold only there: a file open in Excel, the lock). Debug builds: the cross build of the release profile (LTO, one codegen unit) takes minutes
# longer, and the outputs do not depend on the profile.
cargo build --quiet
cargo build --quiet --target "$target"
exe=target/$target/debug/bc2m365.exe
unit_tests=$(cargo test --quiet --target "$target" --lib --no-run --message-format=json |
  python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(m["executable"])')

# Wine 8 lacks ProcessPrng (bcryptprimitives.dll), which Rust's standard library calls for random bytes:
# a stand-in beside the .exe is loaded first.
x86_64-w64-mingw32-gcc -shared -O2 -o "target/$target/debug/bcryptprimitives.dll" \
  ci/wine/bcryptprimitives.c -ladvapi32
cp "target/$target/debug/bcryptprimitives.dll" "$(dirname "$unit_tests")/"
built=$SECONDS

# The cases: recorded by the caller's `cargo test`, or here by the tests that compare expected outputs.
cases=${1:-}
if [[ -z $cases ]]; then
  cases=$work/cases.jsonl
  rm -f "$cases"
  tests=()
  for file in $(grep -l 'expect_case\|expect_outputs\|record_case' tests/*.rs); do
    tests+=(--test "$(basename "$file" .rs)")
  done
  BC2M365_CASES=$PWD/$cases cargo test --quiet "${tests[@]}" >/dev/null
fi

# A Wine of its own in a temporary folder, without a display, quiet, with no Mono or Gecko to fetch.
WINEPREFIX=$(mktemp -d)
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
trap 'WINEPREFIX=$WINEPREFIX "$(dirname "$wine")/wineserver" -k 2>/dev/null || true; rm -rf "$WINEPREFIX"' EXIT
"$wine" wineboot --init >/dev/null 2>&1 || true
"$(dirname "$wine")/wineserver" -w
"$wine" "$exe" --version >/dev/null

echo "unit tests of the Windows build, under Wine:"
"$wine" "$unit_tests" --quiet
python3 ci/wine/compare.py "$cases" target/debug/bc2m365 "$exe" "$wine"

# Long paths: an input and an --out past Windows' old 260-character limit, written, then replaced.
long=$work/long$(printf '/a-folder-with-a-long-name-%02d' $(seq 1 10))
rm -rf "$work/long"
mkdir -p "$long"
cp fixtures/bc-salespeople-en.csv "$long"
for run in first again; do
  if ! "$wine" "$exe" convert "$long/bc-salespeople-en.csv" --domain contoso.com --force --out "$long/out" \
    >"$work/long.log" 2>&1; then
    cat "$work/long.log"
    echo "long paths: the $run run failed" >&2
    exit 1
  fi
done
cmp "$long/out/m365-users.csv" fixtures/expected/bc-salespeople-en.csv/m365-users.csv
if "$wine" "$exe" convert "$long/bc-salespeople-en.csv" --domain contoso.com --force --out "$long" \
  >"$work/long.log" 2>&1 || ! grep -q "is inside the output folder" "$work/long.log"; then
  cat "$work/long.log"
  echo "long paths: an input inside --out was not refused" >&2
  exit 1
fi
# The console: on a terminal (Wine's console on a pty, made by util-linux `script`), an accented name is
# written as itself and the report is coloured.
LANG=C.UTF-8 script -qec "'$wine' $exe validate fixtures/m365-import-by-hand-nl.csv --domain contoso.com" \
  "$work/console.log" >/dev/null 2>&1 || true
if ! grep -q 'zoë@contoso.com' "$work/console.log" || ! grep -q $'\e\[1m\e\[31merror' "$work/console.log"; then
  cat -v "$work/console.log"
  echo "console: the accented name or the colour is missing" >&2
  exit 1
fi
echo "console: accented names and colours on Wine's console"
echo "long paths: an input and --out $(($(pwd | wc -c) + ${#long})) characters long, written and replaced"
echo "windows check: built in $((built - started)) s, compared in $((SECONDS - built)) s"
