#!/usr/bin/env python3
"""An independent re-computation of every metric in this directory, in plain
Python, at the default as-of: E = 2024-07-01 00:00 China Standard Time.

It exists to cross-check tally:

    python3 examples/after-sales/reference.py
    tally check examples/after-sales --tz Asia/Shanghai --format json

should agree (durations are printed here in hours; tally's JSON gives seconds);
`python3 examples/after-sales/reference.py --compare report.json` checks that they do.
The window rules follow LANGUAGE.md section 5: `over 28d` is [E - 28 days, E),
`over month` / `over quarter` run from the start of the calendar period to E,
`offset 7d` moves E back a week, and no row whose time is at or after E is read.
Naive timestamps are local time; part_requests' +08:00 offsets are the same zone.
"""

import csv
import json
import math
import os
import sys
from datetime import datetime, timedelta

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
AS_OF = datetime(2024, 7, 1)


def parse_time(s):
    if not s:
        return None
    s = s.replace("T", " ")
    if s.endswith("+08:00"):
        s = s[:-6]
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S" if len(s) > 10 else "%Y-%m-%d")


def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def window(rows, col, e, days=None, period=None):
    """Rows whose time column is in [start, e)."""
    last = e - timedelta(seconds=1)
    if period == "month":
        start = datetime(last.year, last.month, 1)
    elif period == "quarter":
        start = datetime(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    else:
        start = e - timedelta(days=days)
    return [r for r in rows if r[col] and start <= parse_time(r[col]) < e]


def div(a, b):
    return a / b if b else None


def avg(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def hours_between(later, earlier):
    if not later or not earlier:
        return None
    return (parse_time(later) - parse_time(earlier)).total_seconds() / 3600


def percentile(values, q):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    pos = (len(values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def group(rows, key):
    out = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return dict(sorted(out.items()))


orders = load("orders.csv")
shipments = load("shipments.csv")
refunds = load("refunds.csv")
ratings = load("aftersales_ratings.csv")
reviews = load("reviews.csv")
tickets = load("tickets.csv")
part_requests = load("part_requests.csv")
stock = load("stock.csv")
visits = load("visits.csv")
benchmarks = load("category_benchmarks.csv")

# the views of datasets.kpi, marketplace.kpi and logistics.kpi
paid = [o for o in orders if o["status"] != "unpaid"]
sold = [o for o in orders if o["status"] in ("paid", "shipped", "completed")]
closed_refunds = [r for r in refunds if r["closed_at"]]
rated_cases = [r for r in ratings if r["eligible"] == "true" and r["stars"]]
delivered = [s for s in shipments if s["status"] == "delivered"]
settled_parcels = [s for s in shipments if s["status"] != "in_transit"]


def bench(kpi, e):
    return avg([float(r["category_avg"]) for r in window(benchmarks, "week_start", e, 7)
                if r["kpi"] == kpi])


def dispute_rate(e, rows_filter=lambda r: True):
    n = sum(1 for r in window(refunds, "requested_at", e, 28)
            if r["intervened"] == "true" and rows_filter(r))
    return div(n, sum(1 for o in window(paid, "paid_at", e, 28) if rows_filter(o)))


def self_completion_rate(e):
    c = window(closed_refunds, "closed_at", e, 28)
    return div(sum(r["intervened"] == "false" for r in c), len(c))


def refund_completion_hours(e):
    return avg([hours_between(r["closed_at"], r["requested_at"])
                for r in window(closed_refunds, "closed_at", e, 28)])


def aftersales_satisfaction(e):
    a = window(rated_cases, "rated_at", e, 30)
    return div(sum(int(r["stars"]) >= 4 for r in a), len(a))


def refund_rate(e):
    return div(len(window(refunds, "requested_at", e, period="month")),
               len(window(paid, "paid_at", e, period="month")))


def dsr(rows):
    return sum(avg([int(r[c]) if r[c] else None for r in rows])
               for c in ("dsr_item", "dsr_service", "dsr_shipping")) / 3


def conversion(e):
    v = window(visits, "visit_date", e, 28)
    return div(len({r["visitor_id"] for r in v if r["purchased"] == "true"}),
               len({r["visitor_id"] for r in v}))


def satisfied_share(rows):
    rated = [r for r in rows if r["rating"]]
    return div(sum(r["rating"] in ("非常满意", "满意") for r in rated), len(rated))


def on_time(rows):
    return div(sum(parse_time(r["signed_at"]) <= parse_time(r["promised_at"]) for r in rows),
               len(rows))


def aov(rows):
    return div(sum(float(o["amount"]) for o in rows), len({o["customer_id"] for o in rows}))


def main():
    e, e7 = AS_OF, AS_OF - timedelta(days=7)
    m = {}

    # marketplace.kpi
    m["dispute_rate"] = dispute_rate(e)
    m["退款纠纷率"] = {s: dispute_rate(e, lambda r, s=s: r["shop"] == s) for s in "ABC"}
    m["self_completion_rate"] = self_completion_rate(e)
    m["refund_completion_time (h)"] = refund_completion_hours(e)
    m["aftersales_satisfaction"] = aftersales_satisfaction(e)
    m["refund_rate"] = refund_rate(e)
    rv = window(reviews, "reviewed_at", e, 180)
    m["dsr"] = dsr(rv)
    m["店铺动态评分"] = {s: dsr(g) for s, g in group(rv, "shop").items()}
    for col, name in (("dsr_item", "dsr_item_score"), ("dsr_service", "dsr_service_score"),
                      ("dsr_shipping", "dsr_shipping_score")):
        m[name] = avg([int(r[col]) if r[col] else None for r in rv])
    pdd_paid = [o for o in window(paid, "paid_at", e, 30) if o["shop"] == "C"]
    pdd_refunds = [r for r in window(refunds, "requested_at", e, 30) if r["shop"] == "C"]
    m["pdd_dispute_refund_rate"] = div(sum(r["disputed"] == "true" for r in pdd_refunds), len(pdd_paid))
    m["pdd_quality_refund_rate"] = div(
        sum(r["reason"] in ("质量问题", "商品与描述不符") for r in pdd_refunds), len(pdd_paid))
    m["pdd_intervention_rate"] = div(sum(r["intervened"] == "true" for r in pdd_refunds), len(pdd_paid))
    m["dispute_rate_wow"] = dispute_rate(e) - dispute_rate(e7)
    m["self_completion_rate_wow"] = self_completion_rate(e) - self_completion_rate(e7)
    m["refund_completion_time_wow (h)"] = refund_completion_hours(e) - refund_completion_hours(e7)
    m["售后满意度环比"] = aftersales_satisfaction(e) - aftersales_satisfaction(e7)
    m["dispute_rate_vs_category"] = dispute_rate(e) - bench("dispute_rate", e)
    m["self_completion_rate_vs_category"] = self_completion_rate(e) - bench("self_completion_rate", e)
    m["refund_completion_hours_vs_category"] = (refund_completion_hours(e)
                                                - bench("refund_completion_hours", e))
    m["aftersales_satisfaction_vs_category"] = (aftersales_satisfaction(e)
                                                - bench("aftersales_satisfaction", e))
    m["refund_rate_vs_category"] = refund_rate(e) - bench("refund_rate", e)
    m["dsr_vs_category"] = dsr(rv) - bench("dsr", e)

    # service.kpi
    t = window(tickets, "question_at", e, 28)
    n = len(t)

    def reply_h(r):
        return hours_between(r["first_reply_at"], r["question_at"])

    def resolve_h(r):
        return hours_between(r["resolved_at"], r["question_at"])

    m["response_time (h)"] = avg([reply_h(r) for r in t])
    m["响应时间 (h)"] = {s: avg([reply_h(r) for r in g]) for s, g in group(t, "shop").items()}
    m["timely_response_rate"] = sum(1 for r in t if reply_h(r) is not None and reply_h(r) <= 2) / n
    m["resolution_time (h)"] = avg([resolve_h(r) for r in t])
    m["resolution_rate_24h"] = sum(1 for r in t if resolve_h(r) is not None and resolve_h(r) <= 24) / n
    m["timely_resolution_rate"] = sum(
        1 for r in t
        if resolve_h(r) is not None and resolve_h(r) <= (24 if r["level"] == "1" else 48)) / n
    m["timeliness"] = (m["timely_response_rate"] + m["timely_resolution_rate"]) / 2
    m["satisfaction"] = satisfied_share(t)
    m["satisfaction_by_agent"] = {a: satisfied_share(g) for a, g in group(t, "agent").items()}
    m["first_contact_resolution"] = sum(
        1 for r in t if r["resolved_at"] and r["transferred"] == "false"
        and r["called_back"] == "false") / n
    m["repeat_complaint_rate"] = sum(r["repeat_complaint"] == "true" for r in t) / n
    m["refund_review_time (h)"] = avg([hours_between(r["reviewed_at"], r["requested_at"])
                                      for r in window(refunds, "requested_at", e, 28)])

    # logistics.kpi
    d = window(delivered, "shipped_at", e, 28)
    m["on_time_delivery"] = on_time(d)
    m["准时交付率_按快递"] = {c: on_time(g) for c, g in group(d, "carrier").items()}
    m["successful_delivery_rate"] = div(len(d), len(window(settled_parcels, "shipped_at", e, 28)))
    lead = [hours_between(r["signed_at"], r["ordered_at"]) for r in d]
    m["order_lead_time (h)"] = avg(lead)
    m["order_lead_time_p90 (h)"] = percentile(lead, 0.9)
    p = window(part_requests, "requested_at", e, 28)
    m["hit_rate"] = div(sum(
        1 for r in p if r["served_warehouse"] and r["served_warehouse"] == r["planned_warehouse"]
        and parse_time(r["served_at"]) <= parse_time(r["needed_by"])
        and float(r["extra_cost"]) == 0), len(p))

    # sales.kpi
    p28 = window(paid, "paid_at", e, 28)
    m["average_order_value"] = aov(p28)
    m["客单价"] = {s: aov(g) for s, g in group(p28, "shop").items()}
    m["conversion_rate"] = conversion(e)
    m["conversion_rate_vs_category"] = conversion(e) - bench("conversion_rate", e)
    q = window(paid, "paid_at", e, period="quarter")
    m["sales_by_month"] = {k: sum(float(o["amount"]) for o in g)
                           for k, g in group([dict(o, month=o["paid_at"][:7]) for o in q],
                                             "month").items()}
    s = window(sold, "paid_at", e, period="month")
    revenue = sum(float(o["amount"]) for o in s)
    m["gross_margin"] = (revenue - sum(float(o["cost"]) for o in s)) / revenue
    st = window(stock, "snapshot_date", e, 28)
    m["stockout_rate"] = (sum(int(r["qty_short"]) for r in st)
                          / sum(int(r["qty_demanded"]) for r in st))
    avg_stock = sum(int(r["on_hand"]) for r in st) / len({r["snapshot_date"] for r in st})
    m["inventory_turnover"] = sum(int(o["quantity"]) for o in p28) / avg_stock
    m["sell_through_rate"] = (len({o["sku"] for o in p28})
                              / len({r["sku"] for r in st if int(r["on_hand"]) > 0}))

    def fmt(v):
        if isinstance(v, dict):
            return ", ".join("%s %s" % (k, fmt(x)) for k, x in v.items())
        return "null" if v is None else "%.4f" % v

    if len(sys.argv) == 3 and sys.argv[1] == "--compare":
        sys.exit(compare(m, sys.argv[2]))
    for k, v in m.items():
        print("%-38s %s" % (k, fmt(v)))


def compare(m, report_path):
    """Compares every metric computed here with tally's JSON report; 0 when all agree."""
    with open(report_path, encoding="utf-8") as f:
        report = {x["name"]: x["value"] for x in json.load(f)["metrics"]}

    def close(a, b):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)

    bad = 0
    for key, want in m.items():
        name, hours = (key[:-4], True) if key.endswith(" (h)") else (key, False)
        got = report.get(name)
        if isinstance(want, dict):
            rows = {str(r[0]): r[-1] for r in (got or {}).get("rows", [])}
            ok = set(rows) == {str(k) for k in want} and all(
                close(rows[str(k)] / 3600 if hours and rows[str(k)] is not None else rows[str(k)], v)
                for k, v in want.items())
        else:
            ok = close(got / 3600 if hours and got is not None else got, want)
        if not ok:
            bad += 1
            print("%s: tally %s, reference %s" % (name, got, want))
    print("%d metrics compared, %d differ" % (len(m), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    main()
