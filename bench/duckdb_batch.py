#!/usr/bin/env python3
"""The KPI batch of kpis.kpi in DuckDB, reading the same CSVs: the yardstick for `tally check`.

    python3 bench/duckdb_batch.py DIR   # DIR holds data/orders.csv and data/refunds.csv
As of 2024-07-01T00:00:00Z (`--as-of 2024-06-30` in UTC): the 28-day window is
[2024-06-03, 2024-07-01), the month is June.
"""
import json
import sys

import duckdb

d = sys.argv[1]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE VIEW orders AS SELECT * FROM read_csv('{d}/data/orders.csv', header = true)")
con.execute(f"CREATE VIEW refunds AS SELECT * FROM read_csv('{d}/data/refunds.csv', header = true)")
S, E, M = "TIMESTAMP '2024-06-03'", "TIMESTAMP '2024-07-01'", "TIMESTAMP '2024-06-01'"
paid = f"(SELECT * FROM orders WHERE status <> 'unpaid' AND paid_at >= {S} AND paid_at < {E})"
closed = f"(SELECT * FROM refunds WHERE closed_at IS NOT NULL AND closed_at >= {S} AND closed_at < {E})"
q = {
    "dispute_rate": f"""SELECT (SELECT count(*) FROM refunds WHERE intervened AND requested_at >= {S} AND requested_at < {E})
        / (SELECT count(*) FROM {paid})""",
    "self_completion": f"SELECT count(*) FILTER (WHERE closed_by = 'merchant') / count(*) FROM {closed}",
    "completion_time": f"SELECT avg(epoch(closed_at) - epoch(requested_at)) FROM {closed}",
    "refund_rate": f"""SELECT (SELECT count(*) FROM refunds WHERE requested_at >= {M} AND requested_at < {E})
        / (SELECT count(*) FROM orders WHERE status <> 'unpaid' AND paid_at >= {M} AND paid_at < {E})""",
    "aov": f"SELECT sum(amount) / count(DISTINCT customer_id) FROM {paid}",
    "revenue_by_shop": f"SELECT shop, sum(amount) FROM {paid} GROUP BY shop ORDER BY shop",
    "orders_by_day": f"SELECT strftime(paid_at, '%Y-%m-%d') AS day, count(*) FROM {paid} GROUP BY day ORDER BY day",
    "coupon_share": f"SELECT count(coupon) / count(*) FROM {paid}",
}
out = {}
for name, sql in q.items():
    rows = con.execute(sql).fetchall()
    out[name] = rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else [list(r) for r in rows]
print(json.dumps(out, default=str))
