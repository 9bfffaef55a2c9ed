#!/usr/bin/env python3
"""An independent re-computation of every metric in this directory, in plain
Python, at the default as-of: E = 2024-07-01 00:00 China Standard Time (or,
with --as-of DAY, at the start of the day after DAY, as tally's --as-of).

It exists to cross-check tally:

    python3 examples/after-sales/reference.py
    tally check examples/after-sales --tz Asia/Shanghai --format json

should agree (durations are printed here in hours; tally's JSON gives seconds);
`python3 examples/after-sales/reference.py [--as-of DAY] --compare report.json`
checks that they do, grouped values and series point by point, and that the
report has no metric this file does not recompute.
The window rules follow LANGUAGE.md section 5: `over 28d` is [E - 28 days, E),
`over month` / `over quarter` run from the start of the calendar period to E,
`offset 7d` moves E back a week, `over 1mo` and `offset 1mo` a calendar month,
and no row whose time is at or after E is read. The links of datasets.kpi
(section 9) are dictionary look-ups by id; a grouped metric's groups are the
keys of the rows its aggregates read (section 6); a series has one point per
day, E, E - 1d, ..., labelled by the day before each point (section 10).
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
shops = load("shops.csv")
products = load("products.csv")
shipments = load("shipments.csv")
refunds = load("refunds.csv")
ratings = load("aftersales_ratings.csv")
reviews = load("reviews.csv")
tickets = load("tickets.csv")
part_requests = load("part_requests.csv")
stock = load("stock.csv")
visits = load("visits.csv")
benchmarks = load("category_benchmarks.csv")

# The links of datasets.kpi, as dictionaries keyed by the target's key (each key
# unique: checked here as tally checks it on load). A record whose id finds no
# row refers to none, and every column read through it is None.
def index(rows, key, name):
    out = {}
    for r in rows:
        if r[key]:
            assert r[key] not in out, "%s: %s %s is not unique" % (name, key, r[key])
            out[r[key]] = r
    return out


order_by_id = index(orders, "order_id", "orders")
shop_by_code = index(shops, "shop", "shops")
product_by_sku = index(products, "sku", "products")
refund_by_id = index(refunds, "refund_id", "refunds")
ticket_by_id = index(tickets, "ticket_id", "tickets")


def order_of(r):
    """The order a refund, shipment, review or ticket refers to (orders.*), or {}."""
    return order_by_id.get(r["order_id"], {})


def refund_of(r):
    """The refund an after-sales rating refers to (refunds.*), or {}."""
    return refund_by_id.get(r["refund_id"], {})


# the views of datasets.kpi, marketplace.kpi and logistics.kpi
paid = [o for o in orders if o["status"] != "unpaid"]
sold = [o for o in orders if o["status"] in ("paid", "shipped", "completed")]
closed_refunds = [r for r in refunds if r["closed_at"]]
# eligible: the rated refund exists and was not withdrawn by the buyer
rated_cases = [r for r in ratings if refund_of(r).get("status") not in (None, "cancelled")
               and r["stars"]]
pdd_paid = [o for o in paid if o["shop"] == "C"]
pdd_refunds = [r for r in refunds if order_of(r).get("shop") == "C"]
delivered = [s for s in shipments if s["status"] == "delivered"]
settled_parcels = [s for s in shipments if s["status"] != "in_transit"]

QUALITY = ("质量问题", "商品与描述不符")


def minus_months(e, n):
    """E moved back n calendar months, the day of month clamped to the month's end."""
    y, mth = divmod(e.year * 12 + e.month - 1 - n, 12)
    mth += 1
    last_day = (datetime(y + mth // 12, mth % 12 + 1, 1) - timedelta(days=1)).day
    return e.replace(year=y, month=mth, day=min(e.day, last_day))


def bench(kpi, e):
    return avg([float(r["category_avg"]) for r in window(benchmarks, "week_start", e, 7)
                if r["kpi"] == kpi])


def rate_by(num_rows, num_key, den_rows, den_key):
    """count(num) / count(den) by a key: the groups are the keys of the rows both
    aggregates read (after window and view, before their own where); a group
    with no den rows is null."""
    keys = {num_key(r) for r in num_rows[0]} | {den_key(r) for r in den_rows}
    out = {}
    for k in sorted(keys, key=lambda k: (k is None, k or "")):
        out[k] = div(sum(1 for r in num_rows[1] if num_key(r) == k),
                     sum(1 for r in den_rows if den_key(r) == k))
    return out


def dispute_rate(e):
    n = sum(1 for r in window(refunds, "requested_at", e, 28) if r["intervened"] == "true")
    return div(n, len(window(paid, "paid_at", e, 28)))


def dispute_rate_by_shop(e):
    rf = window(refunds, "requested_at", e, 28)
    return rate_by((rf, [r for r in rf if r["intervened"] == "true"]),
                   lambda r: order_of(r).get("shop"),
                   window(paid, "paid_at", e, 28), lambda o: o["shop"])


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
    # paying visitors: the distinct customers of the orders paid in the window
    return div(len({o["customer_id"] for o in window(paid, "paid_at", e, 28)}),
               len({r["visitor_id"] for r in window(visits, "visit_date", e, 28)}))


def satisfied_share(rows):
    rated = [r for r in rows if r["rating"]]
    return div(sum(r["rating"] in ("非常满意", "满意") for r in rated), len(rated))


def on_time(rows):
    return div(sum(parse_time(r["signed_at"]) <= parse_time(r["promised_at"]) for r in rows),
               len(rows))


def aov(rows):
    return div(sum(float(o["amount"]) for o in rows), len({o["customer_id"] for o in rows}))


def repeat_buyer_share(rows):
    """Buyers with two paid orders or more ÷ distinct buyers."""
    per_buyer = {}
    for o in rows:
        per_buyer[o["customer_id"]] = per_buyer.get(o["customer_id"], 0) + 1
    return div(sum(1 for n in per_buyer.values() if n >= 2), len(per_buyer))


def closing_stock(e):
    """sum(last(stock.on_hand) by sku): each SKU's on_hand at its latest snapshot
    before E (ties: the greatest), summed."""
    latest = {}
    for r in stock:
        if not r["on_hand"] or parse_time(r["snapshot_date"]) >= e:
            continue
        k = (parse_time(r["snapshot_date"]), int(r["on_hand"]))
        if r["sku"] not in latest or k > latest[r["sku"]]:
            latest[r["sku"]] = k
    return sum(v for _, v in latest.values())


def metrics(e):
    e7 = e - timedelta(days=7)
    m = {}

    # marketplace.kpi
    m["dispute_rate"] = dispute_rate(e)
    m["退款纠纷率"] = dispute_rate_by_shop(e)
    shop_rates = [v for v in m["退款纠纷率"].values() if v is not None]
    m["dispute_rate_shop_average"] = div(sum(shop_rates), len(shop_rates))
    # one point per day: E, E - 1d, ..., E - 27d, labelled by the day before each
    m["dispute_rate_trend"] = {
        (e - timedelta(days=k, seconds=1)).strftime("%Y-%m-%d"): dispute_rate(e - timedelta(days=k))
        for k in reversed(range(28))}
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
    pp = window(pdd_paid, "paid_at", e, 30)
    pr = window(pdd_refunds, "requested_at", e, 30)
    m["pdd_dispute_refund_rate"] = div(sum(r["disputed"] == "true" for r in pr), len(pp))
    m["pdd_quality_refund_rate"] = div(sum(r["reason"] in QUALITY for r in pr), len(pp))
    rf30 = window(refunds, "requested_at", e, 30)
    m["quality_refund_rate_by_sku"] = rate_by(
        (rf30, [r for r in rf30 if r["reason"] in QUALITY]), lambda r: order_of(r).get("sku"),
        window(paid, "paid_at", e, 30), lambda o: o["sku"])
    m["pdd_intervention_rate"] = div(sum(r["intervened"] == "true" for r in pr), len(pp))
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
    # a case complained about again: an order and topic with two tickets or more
    per_case = {}
    for r in t:
        if r["order_id"]:
            per_case[(r["order_id"], r["topic"])] = per_case.get((r["order_id"], r["topic"]), 0) + 1
    m["repeat_complaint_rate"] = sum(1 for k in per_case.values() if k >= 2) / n
    m["refund_review_time (h)"] = avg([hours_between(r["reviewed_at"], r["requested_at"])
                                      for r in window(refunds, "requested_at", e, 28)])

    # logistics.kpi
    d = window(delivered, "shipped_at", e, 28)
    m["on_time_delivery"] = on_time(d)
    m["准时交付率_按快递"] = {c: on_time(g) for c, g in group(d, "carrier").items()}
    m["successful_delivery_rate"] = div(len(d), len(window(settled_parcels, "shipped_at", e, 28)))
    # lead time: signed for (the shipment) minus created (its order, through the link)
    lead = [hours_between(r["signed_at"], order_of(r).get("created_at")) for r in d]
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
    p90 = window(paid, "paid_at", e, 90)
    m["repeat_purchase_rate"] = repeat_buyer_share(p90)
    m["复购率"] = {s: repeat_buyer_share(g) for s, g in group(p90, "shop").items()}
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
    m["closing_stock"] = closing_stock(e)
    e1mo = minus_months(e, 1)
    sold_month = sum(int(o["quantity"]) for o in paid if e1mo <= parse_time(o["paid_at"]) < e)
    m["inventory_turnover_month"] = div(sold_month, (closing_stock(e) + closing_stock(e1mo)) / 2)
    avg_stock = sum(int(r["on_hand"]) for r in st) / len({r["snapshot_date"] for r in st})
    m["inventory_turnover"] = sum(int(o["quantity"]) for o in p28) / avg_stock
    m["sell_through_rate"] = (len({o["sku"] for o in p28})
                              / len({r["sku"] for r in st if int(r["on_hand"]) > 0}))
    return m


def main():
    args = sys.argv[1:]
    e = AS_OF
    if len(args) >= 2 and args[0] == "--as-of":
        # a day, as tally's --as-of: E is the start of the next day
        e = datetime.strptime(args[1], "%Y-%m-%d") + timedelta(days=1)
        args = args[2:]
    m = metrics(e)

    def fmt(v):
        if isinstance(v, dict):
            return ", ".join("%s %s" % (k, fmt(x)) for k, x in v.items())
        return "null" if v is None else "%.4f" % v

    if len(args) == 2 and args[0] == "--compare":
        sys.exit(compare(m, e, args[1]))
    print("as of %s+08:00" % e.isoformat())
    for k, v in m.items():
        print("%-38s %s" % (k, fmt(v)))


def compare(m, e, report_path):
    """Compares every metric computed here with tally's JSON report (which must be
    as of the same E, and have no metric that is not recomputed here); 0 when all agree."""
    with open(report_path, encoding="utf-8") as f:
        doc = json.load(f)
    report = {x["name"]: x["value"] for x in doc["metrics"]}

    def close(a, b):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)

    bad = 0
    if doc["as_of"] != e.isoformat() + "+08:00":
        bad += 1
        print("as of: tally %s, reference %s+08:00" % (doc["as_of"], e.isoformat()))
    names = {key[:-4] if key.endswith(" (h)") else key for key in m}
    for name in report:
        if name not in names:
            bad += 1
            print("%s: in tally's report, not recomputed here" % name)
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
