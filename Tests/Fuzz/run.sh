#!/usr/bin/env bash
# Fuzzes Tally with libFuzzer: the core's sources and FuzzTargets.swift compiled with
# -sanitize=fuzzer,address into one binary, one target at a time.
#
#   bash Tests/Fuzz/run.sh [SECONDS] [TARGET...]    # default: 60 s each of every target
#
# Targets: formula, definitions, csv, tsv, jsonl, gzip. Each reads and grows its corpus in
# .build-fuzz/corpus/TARGET, seeded from Tests/Fuzz/seeds/TARGET (the examples and tests'
# inputs). A crash, an uncaught trap, a leak or an input slower than 10 s fails the run, and
# libFuzzer writes the input that did it to .build-fuzz/crash-* (replay it with
# `TALLY_FUZZ=TARGET .build-fuzz/tally-fuzz FILE`).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(formula definitions csv tsv jsonl gzip)

out=.build-fuzz
mkdir -p "$out"
binary="$out/tally-fuzz"
sources=$(find Sources/Tally -name '*.swift' | sort)
if [ ! -x "$binary" ] || [ -n "$(find Sources/Tally Tests/Fuzz/FuzzTargets.swift -newer "$binary" -name '*.swift' | head -1)" ]; then
  echo "building $binary"
  # shellcheck disable=SC2086
  swiftc -sanitize=fuzzer,address -parse-as-library -module-name Tally -Onone -I Sources/CZlib -lz \
    $sources Tests/Fuzz/FuzzTargets.swift -o "$binary" 2>&1 | grep -v "Cannot export local symbol" || true
  [ -x "$binary" ] || { echo "the fuzz binary did not build" >&2; exit 1; }
fi

export TALLY_FUZZ_FIXTURES="$PWD/Tests/Fuzz/fixtures"
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  mkdir -p "$corpus"
  echo "fuzzing $t for ${seconds}s"
  log="$out/fuzz-$t.log"
  if ! TALLY_FUZZ=$t ASAN_OPTIONS=detect_leaks=0 "$binary" "$corpus" "Tests/Fuzz/seeds/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=8192 -artifact_prefix="$out/crash-$t-" \
    -print_final_stats=1 >"$log" 2>&1; then
    grep -E "ERROR|SUMMARY|Fatal error|Test unit written" "$log" | head -20 >&2
    echo "fuzz target $t failed; the input is in $out/crash-$t-*, the log in $log" >&2
    exit 1
  fi
  grep -E "DONE|stat::number_of_executed_units" "$log" | tail -2
done
