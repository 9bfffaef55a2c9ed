#!/usr/bin/env python3
"""The KPI batch of kpis.kpi in DuckDB, reading the same CSVs: the yardstick for `tally check`.

    python3 bench/duckdb_batch.py DIR [METRIC...]   # DIR holds data/orders.csv, refunds.csv, shops.csv
Only the METRICs named, when some are (the runner times the lookup KPI alone so).
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
con.execute(f"CREATE VIEW shops AS SELECT * FROM read_csv('{d}/data/shops.csv', header = true)")
S, E, M = "TIMESTAMP '2024-06-03'", "TIMESTAMP '2024-07-01'", "TIMESTAMP '2024-06-01'"
paid = f"(SELECT * FROM orders WHERE status <> 'unpaid' AND paid_at >= {S} AND paid_at < {E})"
closed = f"(SELECT * FROM refunds WHERE closed_at IS NOT NULL AND closed_at >= {S} AND closed_at < {E})"
# A link is a LEFT JOIN on the key (unique, so no row is added or dropped); the window is on
# refunds' own time, whatever the time of the order they refer to.
refunds28 = f"(SELECT * FROM refunds WHERE requested_at >= {S} AND requested_at < {E})"
linked = f"({refunds28} r LEFT JOIN orders o ON r.order_id = o.order_id)"
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
    # Refunds by their order's category over paid orders by their own: an outer join of the
    # two sides' groups (null a group too), count 0 where a side has no rows; x / 0 is null
    # in Tally (DuckDB's is inf).
    "refunds_per_order_by_category": f"""WITH r AS (SELECT o.category, count(*) AS n FROM {linked} GROUP BY o.category),
        p AS (SELECT category, count(*) AS n FROM {paid} GROUP BY category)
        SELECT coalesce(r.category, p.category) AS category, coalesce(r.n, 0) / nullif(coalesce(p.n, 0), 0)
        FROM r FULL JOIN p ON r.category IS NOT DISTINCT FROM p.category ORDER BY category NULLS LAST""",
    "refunds_by_region": f"""SELECT s.region, count(*) FROM {linked} LEFT JOIN shops s ON o.shop = s.shop
        GROUP BY s.region ORDER BY s.region NULLS LAST""",
    "digital_refund_share": f"SELECT count(*) FILTER (WHERE o.category = '数码') / count(*) FROM {linked}",
}
if sys.argv[2:]:
    q = {name: q[name] for name in sys.argv[2:]}
out = {}
for name, sql in q.items():
    rows = con.execute(sql).fetchall()
    out[name] = rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else [list(r) for r in rows]
print(json.dumps(out, default=str))
