#!/usr/bin/env python3
"""The KPIs of bench/kpis.kpi in DuckDB: the yardstick for `tally check`.

    python3 bench/duckdb_kpis.py DIR                  # load DIR/data/*.csv into tables, run every KPI once, print JSON
    python3 bench/duckdb_kpis.py DIR --repeat 20      # also run them 20 more times on the loaded tables; print the
                                                      # best time of one round (seconds) on stderr as `queries S`
    python3 bench/duckdb_kpis.py DIR --group          # max orders per order_id: GROUP BY 1M distinct strings

A fair yardstick: each file is read once, with its columns' types given (no sniffing), into
a table; the queries then read the tables. Times are local wall-clock times in
Asia/Shanghai, as Tally reads them with `--tz Asia/Shanghai`: as of 2024-06-30, the 28-day
window is [2024-06-03, 2024-07-01) and the month is June.
"""
import json
import sys
import time

import duckdb

d = sys.argv[1]
args = sys.argv[2:]
con = duckdb.connect()
T = "TIMESTAMP"
tables = {
    "orders": dict(order_id="VARCHAR", buyer_id="VARCHAR", shop="VARCHAR", province="VARCHAR", sku="VARCHAR", quantity="BIGINT",
                   amount="DOUBLE", discount="DOUBLE", coupon="VARCHAR", status="VARCHAR", created_at=T, paid_at=T, shipped_at=T,
                   buyer_note="VARCHAR"),
    "refunds": dict(refund_id="VARCHAR", order_id="VARCHAR", shop="VARCHAR", amount="DOUBLE", reason="VARCHAR", requested_at=T,
                    closed_at=T, closed_by="VARCHAR", intervened="BOOLEAN"),
    "reviews": dict(review_id="VARCHAR", order_id="VARCHAR", shop="VARCHAR", rating="BIGINT", created_at=T, content="VARCHAR",
                    has_image="BOOLEAN"),
}
for name, columns in tables.items():
    if "--group" in args and name != "orders":
        continue
    spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in columns.items()) + "}"
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{d}/data/{name}.csv', header = true, columns = {spec},"
                f" timestampformat = '%Y-%m-%d %H:%M:%S')")

if "--group" in args:
    print(json.dumps({"max_per_order": con.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM orders GROUP BY order_id)").fetchone()[0]}))
    sys.exit(0)

S, E, M = "TIMESTAMP '2024-06-03'", "TIMESTAMP '2024-07-01'", "TIMESTAMP '2024-06-01'"
paid = f"(SELECT * FROM orders WHERE status <> '交易关闭' AND paid_at >= {S} AND paid_at < {E})"
refunds28 = f"(SELECT * FROM refunds WHERE requested_at >= {S} AND requested_at < {E})"
closed = f"(SELECT * FROM refunds WHERE closed_at IS NOT NULL AND closed_at >= {S} AND closed_at < {E})"
reviews28 = f"(SELECT * FROM reviews WHERE created_at >= {S} AND created_at < {E})"
shipped = f"(SELECT * FROM orders WHERE shipped_at IS NOT NULL AND paid_at >= {S} AND paid_at < {E})"
q = {
    "gmv": f"SELECT sum(amount) FROM {paid}",
    "paid_orders": f"SELECT count(*) FROM {paid}",
    "aov": f"SELECT sum(amount) / count(*) FROM {paid}",
    "buyers": f"SELECT count(DISTINCT buyer_id) FROM {paid}",
    "revenue_by_shop": f"SELECT shop, sum(amount) FROM {paid} GROUP BY shop ORDER BY shop",
    "orders_by_province": f"SELECT province, count(*) FROM {paid} GROUP BY province ORDER BY province",
    "orders_by_day": f"SELECT strftime(paid_at, '%Y-%m-%d') AS day, count(*) FROM {paid} GROUP BY day ORDER BY day",
    "coupon_share": f"SELECT count(coupon) / count(*) FROM {paid}",
    "ship_hours": f"SELECT avg(epoch(shipped_at) - epoch(paid_at)) / 3600 FROM {shipped}",
    "refund_rate": f"""SELECT (SELECT count(*) FROM refunds WHERE requested_at >= {M} AND requested_at < {E})
        / (SELECT count(*) FROM orders WHERE status <> '交易关闭' AND paid_at >= {M} AND paid_at < {E})""",
    "dispute_rate": f"SELECT (SELECT count(*) FROM {refunds28} WHERE intervened) / (SELECT count(*) FROM {paid})",
    "self_completion": f"SELECT count(*) FILTER (WHERE closed_by = '商家') / count(*) FROM {closed}",
    "completion_hours": f"SELECT avg(epoch(closed_at) - epoch(requested_at)) / 3600 FROM {closed}",
    "refunds_by_reason": f"SELECT reason, count(*) FROM {refunds28} GROUP BY reason ORDER BY reason",
    "good_review_rate": f"SELECT count(*) FILTER (WHERE rating >= 4) / count(*) FROM {reviews28}",
    "rating_by_shop": f"SELECT shop, avg(rating) FROM {reviews28} GROUP BY shop ORDER BY shop",
}


def run_all():
    out = {}
    for name, sql in q.items():
        rows = con.execute(sql).fetchall()
        out[name] = rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else [list(r) for r in rows]
    return out


out = run_all()
if "--repeat" in args:
    best = None
    for _ in range(int(args[args.index("--repeat") + 1])):
        t0 = time.perf_counter()
        run_all()
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    print(f"queries {best:.6f}", file=sys.stderr)
print(json.dumps(out, default=str, ensure_ascii=False))
