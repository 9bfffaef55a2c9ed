#!/usr/bin/env python3
"""Tally against DuckDB on a marketplace back end's exports, in one run, same files, same values.

    python3 bench/run.py --tally PATH --python VENV_PYTHON [--orders 1000000 ...] [--dir CACHE] [--runs 3]

For each size it generates the world once (bench/generate.py, kept in CACHE/ORDERS), then
times whole processes, best of RUNS, with wall time, CPU time and peak RSS from the kernel
(wait4), and the ratio to DuckDB measured in the same run:

- check:  `tally check bench/kpis.kpi` (read the CSVs, every KPI) against DuckDB reading the
          same CSVs into typed tables and running the same KPIs (bench/duckdb_kpis.py);
- loaded: the KPIs on data already loaded, best round of ROUNDS: `tally check --repeat`
          (every KPI from nothing computed, each round) against DuckDB's queries over its tables;
- cached: a second `tally check` over unchanged files, which reads the typed columns the
          first run kept (`--cache`), against the same DuckDB process;
- group:  the largest group of `count(orders) by order_id` (1M distinct strings at 1M orders),
          whole processes.

Every KPI's value is compared between the two; a difference fails the run (exit 1).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ZONE = "Asia/Shanghai"
AS_OF = "2024-06-30"


def timed(cmd, stdin=None, cwd=None):
    """wall, cpu, rss (MiB), returncode, stdout, stderr of one process, from wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    # Feed stdin and drain the pipes on threads, then reap with wait4 for the process's own usage.
    chunks = {"out": [], "err": []}

    def drain(stream, key):
        chunks[key].append(stream.read())

    threads = [threading.Thread(target=drain, args=(p.stdout, "out")), threading.Thread(target=drain, args=(p.stderr, "err"))]
    for t in threads:
        t.start()
    if stdin is not None:
        p.stdin.write(stdin.encode())
    p.stdin.close()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    for t in threads:
        t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    return dict(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss=usage.ru_maxrss / 1024, code=p.returncode,
                out=b"".join(chunks["out"]).decode(), err=b"".join(chunks["err"]).decode())


def best(cmd, runs, stdin=None, cwd=None):
    results = [timed(cmd, stdin, cwd) for _ in range(runs)]
    for r in results:
        if r["code"] not in (0, 1):
            sys.exit(f"{' '.join(cmd)} exited {r['code']}:\n{r['err'][-2000:]}")
    return min(results, key=lambda r: r["wall"])


def rows(v):
    if isinstance(v, dict):
        return [tuple(r) for r in v["rows"]]
    if isinstance(v, list):
        return [tuple(r) for r in v]
    return [(v,)]


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def compare(tally_json, duck):
    t = {m["name"]: ({"rows": m["rows"]} if "rows" in m else m.get("value")) for m in tally_json["metrics"]}
    bad = []
    for name, want in duck.items():
        got = rows(t.get(name))
        want = rows(want)
        if len(got) != len(want) or not all(len(g) == len(w) and all(close(x, y) for x, y in zip(g, w)) for g, w in zip(got, want)):
            bad.append(name)
    return bad


def line(what, tally, duck, key="wall"):
    ratio = tally[key] / duck[key] if duck[key] else float("nan")
    return (f"  {what:<8} tally {tally['wall']:7.3f} s wall {tally['cpu']:7.3f} s CPU {tally['rss']:7.0f} MiB   "
            f"duckdb {duck['wall']:7.3f} s wall {duck['cpu']:7.3f} s CPU {duck['rss']:7.0f} MiB   "
            f"ratio {ratio:.2f}× wall, {tally['rss'] / duck['rss']:.2f}× RSS")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tally", required=True)
    ap.add_argument("--python", required=True, help="a Python with the duckdb package")
    ap.add_argument("--orders", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--dir", default="/tmp/tally-bench")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=10, help="rounds of the KPIs on loaded data")
    args = ap.parse_args()
    args.tally = os.path.abspath(args.tally)
    failed = False
    for n in args.orders:
        world = os.path.join(args.dir, str(n))
        if not os.path.exists(os.path.join(world, "data", "shops.csv")):
            print(f"generating {n} orders into {world}/data ...", file=sys.stderr)
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(n), os.path.join(world, "data")], check=True)
        shutil.copy(os.path.join(HERE, "kpis.kpi"), os.path.join(world, "kpis.kpi"))
        with open(os.path.join(world, "group.kpi"), "w", encoding="utf-8") as f:
            f.write('dataset orders from "data/orders.csv" time paid_at\n')
        sizes = {name: os.path.getsize(os.path.join(world, "data", name)) / 2**20 for name in ("orders.csv", "refunds.csv", "reviews.csv")}
        print(f"{n} orders: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in sizes.items()))
        duck = [args.python, os.path.join(HERE, "duckdb_kpis.py"), world]
        check = [args.tally, "check", "kpis.kpi", "--tz", ZONE, "--as-of", AS_OF, "--format", "json"]
        cache = os.path.join(world, "cache")
        shutil.rmtree(cache, ignore_errors=True)

        t = best(check + ["--no-cache"], args.runs, cwd=world)
        d = best(duck, args.runs)
        bad = compare(json.loads(t["out"]), json.loads(d["out"]))
        print(line("check", t, d))

        # On loaded data: every KPI evaluated from nothing computed, ROUNDS times, best round.
        names = re.findall(r"(?m)^metric (\S+)", open(os.path.join(HERE, "kpis.kpi"), encoding="utf-8").read())
        r = timed(check + ["--no-cache", "--repeat", str(args.rounds)], cwd=world)
        found = re.search(r"best round ([0-9.]+) ms", r["err"])
        if r["code"] not in (0, 1) or not found:
            sys.exit(f"tally check --repeat exited {r['code']}:\n{r['err'][-2000:]}")
        tally_round = float(found.group(1)) / 1000
        dr = timed(duck + ["--repeat", str(args.rounds)])
        duck_round = float(re.search(r"queries ([0-9.]+)", dr["err"]).group(1))
        print(f"  loaded   tally {tally_round * 1000:7.1f} ms a round   duckdb {duck_round * 1000:7.1f} ms a round   "
              f"ratio {tally_round / duck_round:.2f}×  (best of {args.rounds} rounds of {len(names)} KPIs)")

        # A second run over unchanged files reads the typed columns the first one kept.
        first = timed(check + ["--cache", cache], cwd=world)
        again = best(check + ["--cache", cache], args.runs, cwd=world)
        if compare(json.loads(again["out"]), json.loads(d["out"])):
            bad.append("the second run, from the cache")
        print(line("cached", again, d) + f"   ({t['wall'] / again['wall']:.1f}× faster than the first run; writing the cache took {first['wall']:.3f} s)")

        g = best([args.tally, "eval", "max(count(orders) by order_id)", "--file", "group.kpi", "--format", "json", "--no-cache"], args.runs, cwd=world)
        dg = best(duck + ["--group"], args.runs)
        if json.loads(g["out"])["value"] != json.loads(dg["out"])["max_per_order"]:
            bad.append("max(count(orders) by order_id)")
        print(line("group", g, dg))
        if bad:
            failed = True
            print(f"  VALUES DIFFER: {', '.join(bad)}")
        else:
            print(f"  values agree on all {len(names)} KPIs and the group")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
