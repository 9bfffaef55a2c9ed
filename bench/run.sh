#!/usr/bin/env bash
# Tally against DuckDB on a marketplace back end's exports: see bench/run.py.
#
#   bash bench/run.sh [ORDERS...]      # default 1000000; e.g. bash bench/run.sh 1000000 10000000
#
# Worlds are generated once into BENCH_DIR (default /tmp/tally-bench), with a Python virtual
# environment holding duckdb; Tally is built in release mode in SCRATCH (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/tally-bench}
scratch=${SCRATCH:-.build}
mkdir -p "$dir"
[ -x "$dir/venv/bin/python" ] || { python3 -m venv "$dir/venv" && "$dir/venv/bin/pip" install -q duckdb; }
swift build -c release --product tally --scratch-path "$scratch" >/dev/null
tally=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/tally
[ $# -gt 0 ] || set -- 1000000
exec python3 bench/run.py --tally "$tally" --python "$dir/venv/bin/python" --dir "$dir" --orders "$@" ${BENCH_RUNS:+--runs "$BENCH_RUNS"}
