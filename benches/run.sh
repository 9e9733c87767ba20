#!/usr/bin/env bash
# The benchmark harness: builds the release binary, makes its own data, and measures wall time and peak
# memory of validate and convert, each beside its floor measured in the same run: one pass of the csv
# crate over the same file for reading (validate, a small convert), and copying convert's own outputs and
# flushing them to disk for writing (convert). The table's last column is the project's target.
#
#   bash benches/run.sh            # the full run: 250, 10k, 100k and 1M CSV rows, 100k and 250 XLSX rows,
#                                  # and each hostile input of fixtures/bad/
#   ROWS=100000 bash benches/run.sh   # a quicker run with a smaller "large" CSV
#
# Needs GNU time (/usr/bin/time, package "time") for peak memory. Nothing is left behind: the data and
# outputs live in a temporary folder that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
XLSX_ROWS=${XLSX_ROWS:-100000}
SMALL_RUNS=${SMALL_RUNS:-11}
DOMAIN=contoso.com

if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    echo "benches/run.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
  fi
fi

echo "building (release)..." >&2
cargo build --release --quiet --bin bc2m365 --example gen_salespeople --example floor
BIN=target/release/bc2m365
GEN=target/release/examples/gen_salespeople
FLOOR=target/release/examples/floor

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bc2m365-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "making data in $WORK..." >&2
sizes=($(printf '%s\n' 10000 100000 "$ROWS" | sort -nu))
"$GEN" 250 "$WORK/salespeople-250.csv"
for n in "${sizes[@]}"; do
  [[ -f "$WORK/salespeople-$n.csv" ]] || "$GEN" "$n" "$WORK/salespeople-$n.csv"
done
"$GEN" "$XLSX_ROWS" "$WORK/salespeople-$XLSX_ROWS.xlsx"
"$GEN" 250 "$WORK/salespeople-250.xlsx"

# run_timed COMMAND...: runs the command once under GNU time; sets WALL_MS (from the clock, to the
# millisecond) and PEAK_KIB. Exit codes 0 and 1 are fine: the data holds a few deliberate errors.
run_timed() {
  local status=0 start end
  # Earlier runs' outputs are flushed to disk first, so that no run pays for another's writes.
  sync
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || status=$?
  end=$(date +%s%N)
  if [[ $status -gt ${ALLOWED_STATUS:-1} ]]; then
    echo "failed (exit $status): $*" >&2
    tail -5 "$WORK/stderr" >&2
    exit 1
  fi
  WALL_MS=$(((end - start) / 1000000))
  PEAK_KIB=$(tail -1 "$WORK/time")
}

# Each run is compared with its floor (FLOOR_MS, measured just before it); TARGET is the ratio and memory
# the project aims for, "-" where it sets none.
declare -a LABELS=() WALL=() RSS=() BASE=() GOAL=()
FLOOR_MS=0
TARGET="-"
record() {
  LABELS+=("$1")
  WALL+=("$2")
  RSS+=("$3")
  BASE+=("$FLOOR_MS")
  GOAL+=("$TARGET")
  printf '  %-50s %8s ms %6s MiB\n' "$1" "$2" "$3" >&2
}

# measure LABEL COMMAND...: one run.
measure() {
  local label=$1
  shift
  run_timed "$@"
  record "$label" "$WALL_MS" "$((PEAK_KIB / 1024))"
}

# median LABEL COMMAND...: the median wall time of SMALL_RUNS runs, and the largest peak memory; sets
# MEDIAN_MS and MEDIAN_KIB without recording.
median() {
  local times=() peak=0
  for _ in $(seq "$SMALL_RUNS"); do
    run_timed "$@"
    times+=("$WALL_MS")
    ((PEAK_KIB > peak)) && peak=$PEAK_KIB
  done
  MEDIAN_MS=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((SMALL_RUNS + 1) / 2))p")
  MEDIAN_KIB=$peak
}

# floor_of FILE: the csv crate's pass over FILE, recorded as its own line, and the floor of what follows.
floor_of() {
  TARGET="-"
  FLOOR_MS=0
  run_timed "$FLOOR" "$1"
  FLOOR_MS=$WALL_MS
  record "floor: the csv crate's pass, $(basename "$1")" "$WALL_MS" "$((PEAK_KIB / 1024))"
}

# output_floor DIR ROWS: copying convert's outputs in DIR and flushing them to disk, which convert must do
# too; recorded, and the floor of the convert measured next.
output_floor() {
  local out_mib
  out_mib=$(du -sm "$1" | cut -f1)
  TARGET="-"
  FLOOR_MS=0
  run_timed sh -c "cp -r '$1' '$1.copy' && sync"
  rm -rf "$1.copy"
  FLOOR_MS=$WALL_MS
  record "output floor: cp + sync of convert's $out_mib MiB, $2 rows" "$WALL_MS" "$((PEAK_KIB / 1024))"
}

echo "measuring..." >&2
# The start-up cost first, before the big runs fill the disk cache: a small CSV against its csv pass.
small="$WORK/salespeople-250.csv"
median "$FLOOR" "$small"
FLOOR_MS=$MEDIAN_MS
TARGET="-"
record "floor: the csv crate's pass, 250 CSV rows (median of $SMALL_RUNS)" "$MEDIAN_MS" "$((MEDIAN_KIB / 1024))"
median "$BIN" convert "$small" --domain "$DOMAIN" --quiet --keep-going --force --out "$WORK/out-250"
TARGET="<= 6x"
record "convert, 250 CSV rows (median of $SMALL_RUNS)" "$MEDIAN_MS" "$((MEDIAN_KIB / 1024))"
TARGET="-"
FLOOR_MS=0
median "$BIN" convert "$WORK/salespeople-250.xlsx" --domain "$DOMAIN" --quiet --keep-going --force \
  --out "$WORK/out-250x"
record "convert, 250 XLSX rows (median of $SMALL_RUNS)" "$MEDIAN_MS" "$((MEDIAN_KIB / 1024))"
for n in "${sizes[@]}"; do
  csv="$WORK/salespeople-$n.csv"
  floor_of "$csv"
  TARGET="-"
  [[ $n -eq 1000000 ]] && TARGET="<= 4x, <= 128 MiB"
  measure "validate, $n CSV rows" "$BIN" validate "$csv" --domain "$DOMAIN" --quiet
  # convert once to learn its output floor, then again against it.
  run_timed "$BIN" convert "$csv" --domain "$DOMAIN" --quiet --keep-going --force --out "$WORK/out-$n"
  output_floor "$WORK/out-$n" "$n"
  TARGET="-"
  [[ $n -eq 10000 ]] && TARGET="<= 3x, <= 64 MiB"
  [[ $n -eq 1000000 ]] && TARGET="<= 1.5x, <= 256 MiB"
  measure "convert, $n CSV rows" "$BIN" convert "$csv" --domain "$DOMAIN" --quiet --keep-going \
    --force --out "$WORK/out-$n"
  if [[ $n -eq "${sizes[-1]}" ]]; then
    measure "convert, $n CSV rows from stdin" sh -c "'$BIN' convert - --domain '$DOMAIN' --quiet \
      --keep-going --force --out '$WORK/out-$n' < '$csv'"
  fi
  rm -rf "$WORK/out-$n"
done
# Two companies of one tenant, every salesperson in both (the same export under two company names): the
# person model's worst case, each row of the second joining a person of the first.
half=$((${sizes[-1]} / 2))
"$GEN" "$half" "$WORK/company-a.csv"
cp "$WORK/company-a.csv" "$WORK/company-b.csv"
FLOOR_MS=0
TARGET="-"
measure "convert, 2 companies of $half CSV rows, everyone in both" "$BIN" convert "$WORK/company-a.csv" \
  "$WORK/company-b.csv" --domain "$DOMAIN" --quiet --keep-going --force --out "$WORK/out-companies"
rm -rf "$WORK/out-companies" "$WORK/company-a.csv" "$WORK/company-b.csv"
FLOOR_MS=0
TARGET="-"
measure "convert, $XLSX_ROWS XLSX rows" "$BIN" convert "$WORK/salespeople-$XLSX_ROWS.xlsx" \
  --domain "$DOMAIN" --quiet --keep-going --force --out "$WORK/out-xlsx"
rm -rf "$WORK/out-xlsx"
# The review's worst case: every row an error (a Name without a letter, an address without "@"), so the
# review lists the most rows and problem cells it ever does.
awk -v n="${sizes[-1]}" 'BEGIN { print "Code,Name,E-Mail"; for (i = 0; i < n; i++) printf "C%d,%d,bad-%d\n", i, i, i }' \
  >"$WORK/all-errors.csv"
TARGET="< 256 MiB"
measure "convert, ${sizes[-1]} CSV rows, every row an error (the review's worst case)" "$BIN" convert \
  "$WORK/all-errors.csv" --domain "$DOMAIN" --quiet --force --out "$WORK/out-errors"
rm -rf "$WORK/out-errors" "$WORK/all-errors.csv"

# The hostile inputs of fixtures/bad/ (made by fixtures/make/hostile_fixtures.py), one line per family:
# each is refused (exit 2) or read within the bound README.md states. FILE|DOMAIN|EXTRA ARGUMENTS.
FLOOR_MS=0
TARGET="< 2 s, < 256 MiB"
ALLOWED_STATUS=2
for case in \
  "sparse-last-cell.xlsx|$DOMAIN|" \
  "sparse-inside-limits.xlsx|$DOMAIN|" \
  "sparse-wide-header.xlsx|$DOMAIN|" \
  "shared-string-too-long.xlsx|$DOMAIN|" \
  "ods-rows-repeated.ods|$DOMAIN|" \
  "ods-columns-repeated.ods|$DOMAIN|" \
  "ods-grid-repeated.ods|$DOMAIN|" \
  "xls-far-cell.xls|$DOMAIN|" \
  "xls-far-cell-small.xls|$DOMAIN|" \
  "zip-declares-small.xlsx|$DOMAIN|" \
  "zip-bomb.xlsx|$DOMAIN|--max-sheet-size 1M" \
  "two-sheets.xlsx|$DOMAIN|" \
  "many-sheets.xlsx|$DOMAIN|" \
  "mixed-encodings.csv|$DOMAIN|" \
  "json-duplicate-keys.json|$DOMAIN|" \
  "json-a-key-per-object.json|$DOMAIN|" \
  "json-many-empty-objects.json|$DOMAIN|--max-rows 1000" \
  "header-nul.csv|$DOMAIN|" \
  "look-alikes.csv|cronus.be|"; do
  IFS='|' read -r file domain extra <<<"$case"
  # shellcheck disable=SC2086 # the extra arguments are words
  measure "validate, hostile: $file" "$BIN" validate "fixtures/bad/$file" --domain "$domain" --quiet $extra
done
ALLOWED_STATUS=1

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
echo
echo "Machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem; $(uname -sr); $(rustc --version)"
echo
echo "| Run | Wall time | Ratio to its floor (the line above it) | Peak memory | Target |"
echo "|---|---:|---:|---:|---|"
for i in "${!LABELS[@]}"; do
  ratio=$(awk -v a="${WALL[$i]}" -v b="${BASE[$i]}" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')
  secs=$(awk -v ms="${WALL[$i]}" 'BEGIN { printf "%.3f s", ms / 1000 }')
  echo "| ${LABELS[$i]} | $secs | $ratio | ${RSS[$i]} MiB | ${GOAL[$i]} |"
done
