#!/usr/bin/env bash
# End-to-end KPI batch: `tally check` against DuckDB on the same CSVs, same machine, same run.
#
#   bash bench/run.sh [ROWS]        # default 1000000 orders (and ROWS/10 refunds)
#
# Prints each engine's best wall time of 3 runs (process start to exit, files read every
# time) and the ratio tally / duckdb, for the batch (kpis.kpi) and for the lookup KPI alone
# (lookup.kpi: refunds per paid order by the order's category, a join in DuckDB). Data and a
# Python venv with duckdb live in /tmp/tally-bench-ROWS (override with BENCH_DIR); Tally is
# built in SCRATCH (default .build, SwiftPM's own).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
dir=${BENCH_DIR:-/tmp/tally-bench-$rows}
scratch=${SCRATCH:-.build}
mkdir -p "$dir/data"
[ -s "$dir/data/shops.csv" ] || python3 bench/generate.py "$rows" "$dir/data"  # written last
cp bench/kpis.kpi "$dir/kpis.kpi"
cp bench/lookup.kpi "$dir/lookup.kpi"
[ -x "$dir/venv/bin/python" ] || { python3 -m venv "$dir/venv" && "$dir/venv/bin/pip" install -q duckdb; }
swift build -c release --product tally --scratch-path "$scratch" >/dev/null
tally=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/tally
lookup=refunds_per_order_by_category

best() {  # best wall time in seconds of 3 runs of "$@"
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    best=$(python3 -c "t=$t1-$t0; b='$best'; print(min(t, float(b)) if b else t)")
  done
  echo "$best"
}

compare() {  # tally's JSON report against DuckDB's JSON, metric by metric
  python3 - "$1" "$2" <<'PY'
import json, sys
t = {m["name"]: m["value"] for m in json.load(open(sys.argv[1]))["metrics"]}
k = json.load(open(sys.argv[2]))
def rows(v):
    if isinstance(v, dict): return [(r[0], r[1]) for r in v["rows"]]
    if isinstance(v, list): return [(r[0], r[1]) for r in v]
    return [(None, v)]
def close(a, b):  # floating-point sums differ in the last digits between engines
    if a is None or b is None: return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
def same(x, y):
    x, y = rows(x), rows(y)
    return len(x) == len(y) and all(p[0] == q[0] and close(p[1], q[1]) for p, q in zip(x, y))
bad = [n for n in k if not same(t[n], k[n])]
print("values agree on all %d metrics" % len(k) if not bad else "VALUES DIFFER: %s" % bad)
PY
}

ratio() { python3 -c "print(round($1/$2, 2))"; }

t_tally=$(best "$tally" check "$dir/kpis.kpi" --as-of 2024-06-30)
t_duck=$(best "$dir/venv/bin/python" bench/duckdb_batch.py "$dir")
t_tally_lookup=$(best "$tally" check "$dir/lookup.kpi" --as-of 2024-06-30)
t_duck_lookup=$(best "$dir/venv/bin/python" bench/duckdb_batch.py "$dir" "$lookup")
"$tally" check "$dir/kpis.kpi" --as-of 2024-06-30 --format json > "$dir/tally.json"
"$dir/venv/bin/python" bench/duckdb_batch.py "$dir" > "$dir/duckdb.json"
"$tally" check "$dir/lookup.kpi" --as-of 2024-06-30 --format json > "$dir/tally-lookup.json"
"$dir/venv/bin/python" bench/duckdb_batch.py "$dir" "$lookup" > "$dir/duckdb-lookup.json"
compare "$dir/tally.json" "$dir/duckdb.json"
echo "rows=$rows tally=${t_tally}s duckdb=${t_duck}s ratio(tally/duckdb)=$(ratio "$t_tally" "$t_duck")"
compare "$dir/tally-lookup.json" "$dir/duckdb-lookup.json"
echo "lookup: rows=$rows tally=${t_tally_lookup}s duckdb=${t_duck_lookup}s ratio(tally/duckdb)=$(ratio "$t_tally_lookup" "$t_duck_lookup")"
