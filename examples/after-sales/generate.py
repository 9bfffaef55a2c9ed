#!/usr/bin/env python3
"""Generate the after-sales example world for Tally.

A small-kitchen-appliance brand ("暖居 Nuanju") runs three storefronts that
share one warehouse:

    A  暖居小家电天猫旗舰店   Tmall       the flagship: fast, careful service
    B  暖居淘宝企业店         Taobao      a smaller team
    C  暖居拼多多官方店       Pinduoduo   cheap and busy, slowest service

The world covers 2024-04-01 .. 2024-06-30 (91 days), with a 520 bump in May, the
618 promotion in June (peak on 06-18) and a small leaking batch of electric
kettles (SKU-07), paid for from 05-28 to 06-09, that drives quality refunds in
shops B and C in June.
The data is an extract taken at 2024-07-01 00:00 local time (Asia/Shanghai):
anything that had not happened by then is null (open refunds, unresolved
tickets, parcels still in transit).

Each file is an export as a platform or the service desk gives it: one table
per kind of record, never pre-joined. A record carries the id of what it is
about (a refund its order_id, a shipment its order_id, a rating its refund_id,
a part request its ticket_id), and the KPI files reach the other table's
columns through links (datasets.kpi). So the exports hold no refund shop, no
order time on a shipment, no "purchased" flag on a visit, no "eligible" flag on
a rating and no "repeat complaint" flag on a ticket: the world makes them true
in the records themselves (a withdrawn refund's rating, a buyer's second ticket
on the same order and topic, a visit of each paying buyer on the day they pay).

The parameters are tuned so that the world's problems show as warnings, not
failures: with --tz Asia/Shanghai, every metric of the example is at pass or
warn both at the default as-of and at --as-of 2024-06-16, so `tally check`
exits 0 and `tally check --strict` exits 1. Retune here, not in the targets,
and re-check both as-ofs after any change.

Everything is deterministic: a fixed seed (orders and stock draw from it
directly; every later part of the world from its own stream derived from it,
see reseed), Python 3 standard library only, no dependence on hash order.
Running

    python3 examples/after-sales/generate.py

rewrites data/*.csv byte for byte the same.
"""

import csv
import math
import os
import random
from datetime import date, datetime, timedelta

SEED = 20240630
START = datetime(2024, 4, 1)
END = datetime(2024, 7, 1)  # the extract's instant: nothing at or after it exists
DAYS = (END - START).days  # 91
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

rng = random.Random(SEED)


def reseed(part):
    """Give each later part of the world its own random stream (seeded from SEED
    and the part's name), so that tuning one part does not reshuffle the rest."""
    global rng
    rng = random.Random("%d/%s" % (SEED, part))


# ---------------------------------------------------------------- helpers

def ts(t):
    """Naive local timestamp, 'YYYY-MM-DD HH:MM:SS'; None -> empty field."""
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M:%S")


def ts_cst(t):
    """ISO 8601 with the China Standard Time offset (used by part_requests)."""
    return "" if t is None else t.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"


def day(t):
    return t.strftime("%Y-%m-%d")


def b(x):
    return "true" if x else "false"


def money(x):
    return "%.2f" % x


def hours(h):
    """A timedelta of h hours, rounded to whole seconds."""
    return timedelta(seconds=int(round(h * 3600)))


def lognorm_h(median_h, sigma):
    return median_h * math.exp(sigma * rng.gauss(0.0, 1.0))


def poisson(lam):
    limit = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def pick(weighted):
    """weighted: list of (value, weight)."""
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for v, w in weighted:
        r -= w
        if r < 0:
            return v
    return weighted[-1][0]


def chance(p):
    return rng.random() < p


def uniform_h(lo, hi):
    return hours(rng.uniform(lo, hi))


def into_service_hours(t, open_h=9, close_h=23):
    """Move an instant outside open..close hours to the next opening."""
    if t.hour >= close_h:
        t = datetime(t.year, t.month, t.day, open_h) + timedelta(days=1)
        return t + timedelta(seconds=rng.randint(0, 1800))
    if t.hour < open_h:
        t = datetime(t.year, t.month, t.day, open_h)
        return t + timedelta(seconds=rng.randint(0, 1800))
    return t


def write_csv(name, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return len(rows)


# ---------------------------------------------------------------- the world

SHOPS = [
    # code, name, platform, base orders/day, conversion, refund prob,
    # ship delay median h, first-reply median min, resolution median h (lvl 1)
    dict(code="A", name="暖居小家电天猫旗舰店", platform="tmall", base=11.0,
         conv=0.19, refund=0.06, ship_h=8, reply_min=6, resolve_h=3,
         backlog=0.03, review_p=0.45, service_hours=(0, 24), promise_h=96, intervene=0.03,
         carriers=[("顺丰速运", 6), ("京东物流", 4)], agents=["小美", "小暖", "阿杰"]),
    dict(code="B", name="暖居淘宝企业店", platform="taobao", base=6.5,
         conv=0.15, refund=0.075, ship_h=10, reply_min=14, resolve_h=6,
         backlog=0.05, review_p=0.35, service_hours=(8, 24), promise_h=120, intervene=0.045,
         carriers=[("中通快递", 6), ("圆通速递", 4)], agents=["小宁", "大鹏"]),
    dict(code="C", name="暖居拼多多官方店", platform="pinduoduo", base=9.5,
         conv=0.22, refund=0.10, ship_h=10, reply_min=24, resolve_h=7,
         backlog=0.08, review_p=0.40, service_hours=(8, 24), promise_h=120, intervene=0.06,
         carriers=[("韵达快递", 5), ("中通快递", 5)], agents=["小麦", "小橙", "阿豪"]),
]
SHOP = {s["code"]: s for s in SHOPS}

# sku, name, list price, unit cost, demand weight
PRODUCTS = [
    ("SKU-01", "空气炸锅 4.5L", 299, 168, 10),
    ("SKU-02", "空气炸锅 6L 可视款", 399, 221, 6),
    ("SKU-03", "电饭煲 3L", 259, 139, 7),
    ("SKU-04", "电饭煲 5L IH", 499, 286, 4),
    ("SKU-05", "破壁机 1.75L, 静音款", 699, 402, 3),
    ("SKU-06", "榨汁杯 便携", 129, 58, 9),
    ("SKU-07", "电热水壶 1.7L", 99, 41, 10),
    ("SKU-08", "养生壶 1.5L", 159, 72, 6),
    ("SKU-09", "加湿器 4L", 169, 83, 5),
    ("SKU-10", "电煮锅 多功能", 139, 63, 6),
    ("SKU-11", "三明治早餐机", 189, 92, 5),
    ("SKU-12", "绞肉机 2L", 149, 71, 4),
    ("SKU-13", "煎烤机 双面", 229, 118, 4),
    ("SKU-14", "电烤箱 12L", 269, 149, 3),
    ("SKU-15", "咖啡机 意式", 899, 540, 1.5),
    ("SKU-16", "豆浆机 1.2L", 329, 175, 3),
    ("SKU-17", "电动打蛋器", 79, 32, 4),
    ("SKU-18", "挂烫机 手持", 119, 54, 4),
    ("SKU-19", "电热饭盒", 99, 44, 3),
    ("SKU-20", "酸奶机", 69, 28, 2),
    ("SKU-21", "料理机 \"小钢炮\"", 459, 262, 2),
    ("SKU-22", "面包机 全自动", 399, 223, 1),
    ("SKU-23", "电陶炉 旧款", 289, 160, 0.15),
    ("SKU-24", "电炖盅 (停售)", 199, 101, 0),
]
PRODUCT = {p[0]: p for p in PRODUCTS}
SKU_WEIGHTS = [(p[0], p[4]) for p in PRODUCTS if p[4] > 0]
CATEGORY = "厨房小家电"

PROVINCES = [  # province, weight, extra transit hours from the Hangzhou warehouse
    ("浙江", 12, 0), ("江苏", 10, 4), ("上海", 8, 2), ("广东", 14, 18),
    ("北京", 7, 20), ("山东", 8, 14), ("河南", 7, 16), ("湖北", 6, 14),
    ("四川", 7, 26), ("福建", 5, 12), ("陕西", 4, 24), ("辽宁", 4, 28),
    ("新疆", 2, 70), ("西藏", 1, 96),
]
CARRIER_TRANSIT_H = {"顺丰速运": 20, "京东物流": 24, "中通快递": 36,
                     "圆通速递": 36, "韵达快递": 36}
WAREHOUSE_OF = {  # the spare-part warehouse nearest to a province
    "浙江": "杭州仓", "江苏": "杭州仓", "上海": "杭州仓", "福建": "杭州仓",
    "山东": "杭州仓", "北京": "杭州仓", "辽宁": "杭州仓", "河南": "杭州仓",
    "广东": "广州仓", "湖北": "广州仓",
    "四川": "成都仓", "陕西": "成都仓", "新疆": "成都仓", "西藏": "成都仓",
}
WAREHOUSES = ["杭州仓", "广州仓", "成都仓"]

HOUR_WEIGHTS = [2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 5, 4, 4, 4, 4, 4, 4,
                5, 6, 8, 9, 8, 5]


def day_multiplier(d):
    m = 1.0 + 0.10 * (d - START.date()).days / DAYS  # slow growth
    wd = d.weekday()
    if wd >= 5:
        m *= 1.15
    elif wd == 0:
        m *= 0.95
    if date(2024, 5, 19) <= d <= date(2024, 5, 21):  # 520
        m *= 1.3
    if date(2024, 6, 1) <= d <= date(2024, 6, 18):  # 618
        m *= {1: 2.0, 16: 2.0, 17: 2.4, 18: 3.4}.get(d.day, 1.3)
    elif date(2024, 6, 19) <= d:
        m *= 0.85
    return m


def promo(d):
    return date(2024, 6, 1) <= d <= date(2024, 6, 18)


def random_time_on(d):
    h = pick(list(enumerate(HOUR_WEIGHTS)))
    return datetime(d.year, d.month, d.day, h, rng.randint(0, 59), rng.randint(0, 59))


# ---------------------------------------------------------------- orders

BUYER_NOTES = [
    "请发顺丰，谢谢", "送礼用, 请不要放发票", "周末不在家，请放快递柜",
    "需要开发票, 抬头见留言", "麻烦包装结实一点", "请尽快发货",
    "颜色要白色的", "不要放\"好评返现\"卡片", "地址写错了, 请联系我改地址",
]

customers_by_shop = {s["code"]: [] for s in SHOPS}
next_customer = [1]


def new_customer():
    c = "C%05d" % next_customer[0]
    next_customer[0] += 1
    return c


orders = []
for i in range(DAYS):
    d = (START + timedelta(days=i)).date()
    for s in SHOPS:
        n = poisson(s["base"] * day_multiplier(d))
        day_orders = []
        for _ in range(n):
            created = random_time_on(d)
            pool = customers_by_shop[s["code"]]
            if pool and chance(0.18):
                cust = rng.choice(pool)
            elif chance(0.04) and any(customers_by_shop[o["code"]] for o in SHOPS if o is not s):
                other = [c for o in SHOPS if o is not s for c in customers_by_shop[o["code"]]]
                cust = rng.choice(other)
                pool.append(cust)
            else:
                cust = new_customer()
                pool.append(cust)
            sku = pick(SKU_WEIGHTS)
            qty = pick([(1, 85), (2, 12), (3, 3)])
            _, _, price, unit_cost, _ = PRODUCT[sku]
            disc = 1.0
            if promo(d) and s["code"] in "AB":
                disc = 0.85
            if s["code"] == "C":
                disc = 0.88 if not promo(d) else 0.80
            coupon = None
            if chance(0.12):
                coupon = rng.choice([5, 10, 20, 30])
            amount = round(price * qty * disc - (coupon or 0), 2)
            paid = None
            if not chance(0.07):
                paid = created + timedelta(seconds=int(rng.expovariate(1 / 150.0)) + 8)
                if paid >= END:
                    paid = None
            note = rng.choice(BUYER_NOTES) if chance(0.06) else None
            day_orders.append(dict(
                shop=s["code"], customer=cust, sku=sku, qty=qty, amount=amount,
                cost=unit_cost * qty, coupon=coupon, created=created, paid=paid,
                note=note, province=pick([(p[0], p[1]) for p in PROVINCES])))
        day_orders.sort(key=lambda o: o["created"])
        for k, o in enumerate(day_orders, 1):
            o["id"] = "%s%s%03d" % (o["shop"], d.strftime("%y%m%d"), k)
        orders.extend(day_orders)

orders.sort(key=lambda o: (o["created"], o["id"]))
paid_orders = [o for o in orders if o["paid"] is not None]

# ---------------------------------------------------------------- stock
# One warehouse serves all three shops. Paid orders draw stock in payment order;
# an order that finds too little stock is backordered and ships on the next
# replenishment. Replenishment is ordered on a 14-day trailing forecast, which
# is what runs a few fast sellers dry at 618.

expected_daily = {}
wsum = sum(w for _, w in SKU_WEIGHTS)
for sku, w in SKU_WEIGHTS:
    expected_daily[sku] = 26.0 * 1.2 * w / wsum

on_hand, on_order, history = {}, {}, {}
for sku, _, _, _, w in PRODUCTS:
    ed = expected_daily.get(sku, 0.0)
    if sku == "SKU-23":
        on_hand[sku] = 40
    elif sku == "SKU-24":
        on_hand[sku] = 0
    else:
        on_hand[sku] = int(ed * rng.uniform(22, 40)) + 5
    on_order[sku] = []  # (arrival date, qty)
    history[sku] = []

paid_by_day = {}
for o in paid_orders:
    paid_by_day.setdefault(o["paid"].date(), []).append(o)

backorders = {sku: [] for sku, *_ in PRODUCTS}
stock_rows = []
for i in range(DAYS):
    d = (START + timedelta(days=i)).date()
    # arrivals in the morning, backorders first
    for sku, *_ in PRODUCTS:
        arrived = sum(q for (ad, q) in on_order[sku] if ad == d)
        on_order[sku] = [(ad, q) for (ad, q) in on_order[sku] if ad != d]
        if arrived:
            on_hand[sku] += arrived
            still = []
            for o in backorders[sku]:
                if on_hand[sku] >= o["qty"]:
                    on_hand[sku] -= o["qty"]
                    o["ready"] = datetime(d.year, d.month, d.day, 10) + uniform_h(0, 6)
                else:
                    still.append(o)
            backorders[sku] = still
    demanded = {sku: 0 for sku, *_ in PRODUCTS}
    short = {sku: 0 for sku, *_ in PRODUCTS}
    for o in sorted(paid_by_day.get(d, []), key=lambda o: (o["paid"], o["id"])):
        sku = o["sku"]
        demanded[sku] += o["qty"]
        if on_hand[sku] >= o["qty"]:
            on_hand[sku] -= o["qty"]
            o["ready"] = o["paid"]
        else:
            short[sku] += o["qty"]
            o["ready"] = None
            backorders[sku].append(o)
    for sku, _, _, cost, w in PRODUCTS:
        history[sku].append(demanded[sku])
        if w > 0.5:
            recent = history[sku][-14:]
            forecast = max(sum(recent) / len(recent), expected_daily[sku] * 0.6)
            position = on_hand[sku] + sum(q for _, q in on_order[sku]) - sum(
                o["qty"] for o in backorders[sku])
            if position < forecast * 10:
                lead = rng.randint(5, 9)
                qty = int(forecast * rng.uniform(28, 38)) + 10
                on_order[sku].append((d + timedelta(days=lead), qty))
        stock_rows.append([day(datetime(d.year, d.month, d.day)), sku, on_hand[sku],
                           demanded[sku], short[sku], money(cost)])

for sku in backorders:  # still waiting at the extract: they have not shipped
    for o in backorders[sku]:
        o["ready"] = None

# ---------------------------------------------------------------- shipments

reseed("shipments")

for o in paid_orders:
    s = SHOP[o["shop"]]
    o["ship"] = None
    if o["ready"] is None:
        continue
    delay = lognorm_h(s["ship_h"], 0.6)
    if promo(o["paid"].date()):
        delay *= 1.5
    shipped = into_service_hours(o["ready"] + hours(delay), 9, 21)
    carrier = pick(s["carriers"])
    extra = dict((p[0], p[2]) for p in PROVINCES)[o["province"]]
    transit = lognorm_h(CARRIER_TRANSIT_H[carrier] + extra, 0.3)
    if chance(0.02):
        transit += rng.uniform(24, 96)  # stuck at a hub
    o["ship"] = dict(shipped=shipped, carrier=carrier,
                     promised=o["paid"] + hours(s["promise_h"] + (72 if extra >= 90 else 48 if extra >= 70 else 0)),
                     arrive=shipped + hours(transit),
                     outcome=pick([("delivered", 986), ("lost", 4), ("returned", 10)]))

# ---------------------------------------------------------------- refunds

reseed("refunds")

REASONS_PRE = [("拍错/多拍", 4), ("不想要了", 5), ("地址填错", 1), ("价格变动, 要求退差价", 1)]
REASONS_AFTER = [("质量问题", 4), ("商品与描述不符", 3), ("不想要了", 3),
                 ("少件/漏发", 1), ("包装破损", 2)]

refunds = []
for o in paid_orders:
    s = SHOP[o["shop"]]
    ship = o["ship"]
    p = s["refund"]
    kettle_batch = o["sku"] == "SKU-07" and datetime(2024, 5, 28) <= o["paid"] < datetime(2024, 6, 10) and o["shop"] in "BC"
    if kettle_batch:
        p *= 2.5
    forced = None
    if ship is not None and ship["outcome"] in ("lost", "returned"):
        forced = ship["outcome"]
    elif not chance(p):
        continue
    r = dict(order=o, shop=o["shop"], amount=o["amount"])
    if forced == "lost":
        r.update(phase="during_sale", type="refund_only", reason="未收到货",
                 requested=ship["promised"] + uniform_h(12, 96))
    elif forced == "returned":
        r.update(phase="during_sale", type="return_refund", reason="拒收/退回",
                 requested=ship["arrive"] + uniform_h(1, 30))
    elif ship is None or (not kettle_batch and chance(0.35)):  # a leak shows in use
        r.update(phase="during_sale", type="refund_only", reason=pick(REASONS_PRE),
                 requested=o["paid"] + uniform_h(0.1, 20))
        if r["reason"].startswith("价格变动"):
            r["amount"] = round(o["amount"] * rng.uniform(0.05, 0.15), 2)
    else:
        reason = "质量问题" if kettle_batch and chance(0.8) else pick(REASONS_AFTER)
        r.update(phase="after_sale", reason=reason,
                 type="refund_only" if reason in ("少件/漏发", "包装破损") else "return_refund",
                 requested=ship["arrive"] + uniform_h(2, 24 * 9))
        if reason in ("少件/漏发", "包装破损"):
            r["amount"] = round(o["amount"] * rng.uniform(0.1, 0.4), 2)
    if r["requested"] >= END:
        continue
    # the merchant intercepts a parcel when the buyer cancels before shipping
    if ship is not None and r["phase"] == "during_sale" and r["requested"] < ship["shipped"]:
        o["ship"] = None
        ship = None
    quality = r["reason"] in ("质量问题", "商品与描述不符")
    p_int = s["intervene"] * (1.8 if quality else 1.0) * (3.0 if forced == "lost" else 1.0)
    intervened = chance(min(p_int, 0.9))
    cancelled = not intervened and chance(0.08)
    review = r["requested"] + hours(lognorm_h({"A": 1.0, "B": 3.0, "C": 6.0}[s["code"]], 0.9))
    closed_by, status, disputed = None, None, False
    if cancelled:
        closed = r["requested"] + uniform_h(0.5, 72)
        if closed < review:
            review = None
        closed_by, status = "buyer", "cancelled"
    elif intervened:
        ruled = review + uniform_h(24, 48) + uniform_h(24, 120)
        closed = ruled
        if chance(0.8):
            closed_by = "platform"
            disputed = chance(0.6)
            status = "refunded" if disputed else "rejected"
        else:
            closed_by, status = "merchant", "refunded"
            closed = review + uniform_h(20, 70)
    else:
        closed_by, status = "merchant", "refunded"
        if r["type"] == "refund_only":
            closed = review + uniform_h(0, 0.5)
        else:
            closed = review + uniform_h(24, 60) + hours(lognorm_h(12, 0.5))
    if review is not None and review >= END:
        review = None
    if closed >= END:
        closed, closed_by, status = None, None, "pending"
    r.update(review=review, closed=closed, closed_by=closed_by, status=status,
             intervened=intervened, disputed=disputed)
    refunds.append(r)

refunds.sort(key=lambda r: (r["requested"], r["order"]["id"]))
for k, r in enumerate(refunds, 1):
    r["id"] = "R%05d" % k
refund_of_order = {}
for r in refunds:
    refund_of_order.setdefault(r["order"]["id"], []).append(r)

# ---------------------------------------------------------------- order status

reseed("order-status")

for o in orders:
    if o["paid"] is None:
        o["status"] = "unpaid"
        continue
    full_refund = any(r["status"] == "refunded" and r["amount"] >= o["amount"] * 0.99
                      for r in refund_of_order.get(o["id"], []))
    ship = o["ship"]
    if full_refund:
        o["status"] = "refunded"
    elif ship and ship["outcome"] == "delivered" and ship["arrive"] + uniform_h(24, 24 * 8) < END:
        o["status"] = "completed"
    elif ship and ship["shipped"] < END:
        o["status"] = "shipped"
    else:
        o["status"] = "paid"

# ---------------------------------------------------------------- reviews

reseed("reviews")

GOOD = ["质量很好", "做工精致", "发货很快", "客服态度好", "颜值高", "用起来很方便",
        "性价比高", "已经回购了", "送给妈妈的, 她很喜欢", "声音不大"]
MID = ["还行吧", "一般般", "物流有点慢", "包装简单", "跟图片有点色差", "说明书看不懂"]
BAD = ["用了两天就坏了", "漏水, 不敢再用", "客服回复太慢", "和描述不符", "有异味",
       "\"静音\"是骗人的", "快递太慢了"]


def star(mean, sd=0.7):
    return max(1, min(5, int(round(rng.gauss(mean, sd)))))


reviews = []
for o in paid_orders:
    s = SHOP[o["shop"]]
    ship = o["ship"]
    if o["status"] not in ("completed", "shipped") or ship is None or ship["outcome"] != "delivered":
        continue
    if ship["arrive"] >= END or not chance(s["review_p"]):
        continue
    t = ship["arrive"] + uniform_h(2, 24 * 10)
    if t >= END:
        continue
    late = ship["arrive"] > ship["promised"]
    bad_item = any(r["reason"] in ("质量问题", "商品与描述不符") for r in refund_of_order.get(o["id"], []))
    base = {"A": 4.85, "B": 4.7, "C": 4.66}[s["code"]]
    rating = star(base - (2.5 if bad_item else 0) - (0.4 if late else 0))
    dsr = [None, None, None]
    if not chance(0.07):
        dsr = [star(base + 0.15 - (2.0 if bad_item else 0), 0.45),
               star(base + 0.15 - (0.5 if bad_item else 0), 0.45),
               star(base + 0.15 - (0.9 if late else 0), 0.45)]
    words = GOOD if rating >= 4 else MID if rating == 3 else BAD
    comment = None
    if not chance(0.25):
        parts = rng.sample(words, 2 if chance(0.4) else 1)
        comment = rng.choice(["，", ", ", "。"]).join(parts)
    reviews.append([o, t, rating, dsr, comment])

reviews.sort(key=lambda r: (r[1], r[0]["id"]))

# ---------------------------------------------------------------- after-sales ratings

reseed("after-sales-ratings")

ratings = []
for r in refunds:
    if r["closed"] is None or r["status"] == "cancelled" or not chance(0.75):
        continue
    t = r["closed"] + uniform_h(1, 72)
    if t >= END:
        continue
    took = (r["closed"] - r["requested"]).total_seconds() / 3600
    mean = {"A": 4.85, "B": 4.6, "C": 4.35}[r["shop"]]
    mean -= 0.4 if took > 96 else 0
    mean -= 0.8 if r["intervened"] else 0
    stars = None if chance(0.02) else star(mean, 0.6)
    # One draw stays where a random "eligible" flag used to be drawn, so that the
    # ratings after it keep their times and stars. Eligibility is now a rule that
    # the exports support: a rating counts unless its refund was withdrawn by the
    # buyer (refunds.status = "cancelled"), see marketplace.kpi.
    rng.random()
    ratings.append(dict(refund=r, t=t, stars=stars))

# Buyers who withdrew their refund request are asked to rate too, and about half
# do; the platform leaves these cases out of after-sales satisfaction.
reseed("after-sales-ratings/withdrawn")
for r in refunds:
    if r["status"] != "cancelled" or not chance(0.5):
        continue
    t = r["closed"] + uniform_h(1, 72)
    if t >= END:
        continue
    mean = {"A": 4.5, "B": 4.1, "C": 3.8}[r["shop"]]
    stars = None if chance(0.02) else star(mean, 0.8)
    ratings.append(dict(refund=r, t=t, stars=stars))
ratings.sort(key=lambda x: (x["t"], x["refund"]["id"]))

# ---------------------------------------------------------------- tickets

reseed("tickets")

SATISFACTION = ["非常满意", "满意", "一般", "不满意", "非常不满意"]
tickets = []


def add_ticket(shop, asked, topic, level, order=None, customer=None, complaint=False):
    if asked >= END:
        return
    tickets.append(dict(shop=shop, asked=asked, topic=topic, level=level, order=order,
                        customer=customer or (order["customer"] if order else None),
                        complaint=complaint))


def awake(t):
    """Few buyers write between midnight and 07:00: most wait for the morning."""
    if t.hour < 7 and chance(0.7):
        return datetime(t.year, t.month, t.day, 7) + uniform_h(0, 5)
    return t


for o in paid_orders:
    ship = o["ship"]
    if chance(0.22):
        if ship is None:
            topic = pick([("发货时间", 5), ("修改地址", 2), ("发票", 1)])
            add_ticket(o["shop"], awake(o["paid"] + uniform_h(0.5, 30)), topic, 1, o)
        else:
            topic = pick([("物流查询", 6), ("物流查询, 催件", 2), ("产品使用", 5), ("发票", 2),
                          ("安装/配件", 2)])
            add_ticket(o["shop"], awake(ship["shipped"] + uniform_h(2, 24 * 6)), topic,
                       2 if chance(0.08) else 1, o)
for r in refunds:
    if chance(0.6):
        complaint = r["intervened"] or r["reason"] == "质量问题"
        topic = "质量投诉" if r["reason"] == "质量问题" else "退款进度"
        add_ticket(r["shop"], awake(r["requested"] + uniform_h(0.2, 36)), topic,
                   2 if complaint or chance(0.1) else 1, r["order"], complaint=complaint)
for i in range(DAYS):
    d = (START + timedelta(days=i)).date()
    for s in SHOPS:
        for _ in range(poisson(s["base"] * day_multiplier(d) * 0.25)):
            add_ticket(s["code"], random_time_on(d), "售前咨询", 1, None, "V%05d" % rng.randint(1, 99999))


def handle(t):
    """How the service team handles a case: channel, agent, reply, resolution,
    transfer, call-back, rating; and whether the buyer will complain again."""
    s = SHOP[t["shop"]]
    t["channel"] = pick([("chat", 82), ("phone", 14), ("email", 4)])
    t["agent"] = rng.choice(s["agents"])
    asked = t["asked"]
    if t["channel"] == "phone" and not 9 <= asked.hour < 21:
        t["channel"] = "chat"  # the hotline is closed: the buyer leaves a chat message
    if t["channel"] == "phone":
        reply = asked + timedelta(seconds=rng.randint(5, 90))
    elif t["channel"] == "email":
        reply = into_service_hours(asked + uniform_h(0.5, 6), *s["service_hours"])
    else:
        reply = into_service_hours(asked, *s["service_hours"]) + hours(lognorm_h(s["reply_min"] / 60.0, 0.8))
        if chance(s["backlog"] * (2 if promo(asked.date()) else 1)):
            reply += uniform_h(1.5, 6)
    if chance(0.01):
        reply = None
    level = t["level"]
    resolve_med = s["resolve_h"] * (1 if level == 1 else 5)
    resolved = None
    if reply is not None and not chance(0.015):
        resolved = reply + hours(lognorm_h(resolve_med, 0.9))
    transferred = chance(0.08 if level == 1 else 0.35)
    called_back = chance(0.06 if level == 1 else 0.3)
    if transferred and resolved is not None:
        resolved += uniform_h(1, 12)
    slow = resolved is None or (resolved - asked) > timedelta(hours=48)
    repeat = chance((0.015 if level == 1 else 0.08) + (0.08 if slow else 0)
                    + {"A": 0, "B": 0.01, "C": 0.02}[s["code"]])
    if reply is not None and reply >= END:
        reply = None
    if resolved is not None and resolved >= END:
        resolved = None
    rating = None
    if resolved is not None and chance(0.55):
        score = {"A": 4.8, "B": 4.6, "C": 4.6}[s["code"]]
        score -= 0.5 if (reply - asked) > timedelta(hours=2) else 0
        score -= 0.6 if (resolved - asked) > timedelta(hours=24 if level == 1 else 48) else 0
        score -= 0.3 if transferred else 0
        score -= 0.6 if t["complaint"] and t["topic"] == "质量投诉" else 0
        rating = SATISFACTION[5 - star(score, 0.6)]
    t.update(reply=reply, resolved=resolved, transferred=transferred,
             called_back=called_back, repeat=repeat, rating=rating)


tickets.sort(key=lambda t: (t["asked"], t["shop"], t["topic"]))
for k, t in enumerate(tickets, 1):
    t["id"] = "T%06d" % k
    handle(t)

# ---------------------------------------------------------------- spare-part requests

reseed("spare-part-requests")

PARTS = [("滤网", 4), ("内胆", 3), ("刀组", 3), ("密封圈", 4), ("电源线", 2), ("炸篮", 2), ("水箱", 2)]
part_requests = []
for t in tickets:
    if t["topic"] not in ("产品使用", "安装/配件", "质量投诉") or not chance(0.5):
        continue
    order = t["order"]
    planned = WAREHOUSE_OF[order["province"]] if order else rng.choice(WAREHOUSES)
    if t["reply"] is None:
        continue
    req = t["reply"] + uniform_h(0.1, 4)
    if req >= END:
        continue
    served_wh = planned if chance(0.95) else rng.choice([w for w in WAREHOUSES if w != planned])
    served = req + hours(lognorm_h(18 if served_wh == planned else 40, 0.5))
    extra = 0.0
    if served_wh != planned and chance(0.7):
        extra = round(rng.uniform(8, 25), 1)
    elif chance(0.02):
        extra = round(rng.uniform(5, 15), 1)  # expedited courier
    if chance(0.01) or served >= END:
        served, served_wh, extra = None, None, None
    part_requests.append(dict(ticket=t, shop=t["shop"], part=pick(PARTS), planned=planned,
                              served_wh=served_wh, requested=req,
                              needed_by=req + timedelta(hours=48), served=served,
                              extra=extra))
part_requests.sort(key=lambda p: (p["requested"], p["ticket"]["id"]))

# ---------------------------------------------------------------- repeat complaints
# A buyer whose case did not settle things writes again about the same order and
# topic, a while after the last answer: a new ticket, which is what makes the first
# one a case complained about again (二次投诉). Questions without an order (presales)
# are not complaints and have no follow-up. The follow-ups draw from their own
# stream and come after the spare-part requests, so neither moves the others.

reseed("ticket-follow-ups")

follow_ups = []
for t in tickets:
    if not t["repeat"] or t["order"] is None:
        continue
    last = t["resolved"] or t["reply"] or t["asked"]
    asked = awake(last + uniform_h(1, 72))
    if asked >= END:
        continue
    f = dict(shop=t["shop"], asked=asked, topic=t["topic"], level=t["level"], order=t["order"],
             customer=t["customer"], complaint=True)
    handle(f)
    follow_ups.append(f)
tickets = sorted(tickets + follow_ups, key=lambda t: (t["asked"], t["shop"], t["topic"]))
for k, t in enumerate(tickets, 1):
    t["id"] = "T%06d" % k

# ---------------------------------------------------------------- visits

# One row per visitor, shop and day (the platforms' "访客" unit). Every buyer who
# paid an order in a shop on a day visited that shop that day (the export does not
# say who bought: paying visitors are the customers of the paid orders).

reseed("visits")

visits = []
anon_pool = []
for i in range(DAYS):
    d = (START + timedelta(days=i)).date()
    for s in SHOPS:
        payers = sorted({o["customer"] for o in paid_by_day.get(d, []) if o["shop"] == s["code"]})
        browsers = set()
        n_browse = int(round(len(payers) / s["conv"])) - len(payers) if payers else rng.randint(5, 15)
        known = customers_by_shop[s["code"]]
        while len(browsers) < n_browse:
            r = rng.random()
            if r < 0.25 and known:
                v = rng.choice(known)
            elif r < 0.45 and anon_pool:
                v = rng.choice(anon_pool)
            else:
                v = "V%05d" % (len(anon_pool) + 1)
                anon_pool.append(v)
            if v not in payers:
                browsers.add(v)
        for v in sorted(payers + sorted(browsers)):
            visits.append([day(datetime(d.year, d.month, d.day)), s["code"], v])

# ---------------------------------------------------------------- category benchmarks

# The platform's weekly category averages (行业均值) for 厨房小家电, published on
# Mondays for the 28 days before.

reseed("category-benchmarks")

BENCH = [("dispute_rate", 0.012, 0.0015), ("self_completion_rate", 0.93, 0.01),
         ("refund_completion_hours", 42.0, 3.0), ("aftersales_satisfaction", 0.86, 0.015),
         ("refund_rate", 0.085, 0.006), ("dsr", 4.78, 0.02), ("conversion_rate", 0.12, 0.008)]
benchmarks = []
bench_level = {k: v for k, v, _ in BENCH}
wk = START
while wk < END:
    for k, v, sd in BENCH:
        bench_level[k] += rng.gauss(0, sd * 0.5) + (v - bench_level[k]) * 0.3
        val = bench_level[k]
        if k == "refund_completion_hours":
            txt = "%.1f" % val
        elif k == "dsr":
            txt = "%.3f" % val
        else:
            txt = "%.4f" % val
        benchmarks.append([day(wk), CATEGORY, k, txt])
    wk += timedelta(days=7)

# ---------------------------------------------------------------- write

os.makedirs(OUT, exist_ok=True)
counts = {}
counts["shops.csv"] = write_csv(
    "shops.csv", ["shop", "shop_name", "platform", "category"],
    [[s["code"], s["name"], s["platform"], CATEGORY] for s in SHOPS])
counts["products.csv"] = write_csv(
    "products.csv", ["sku", "product_name", "category", "list_price", "unit_cost", "active"],
    [[p[0], p[1], CATEGORY, money(p[2]), money(p[3]), b(p[4] > 0)] for p in PRODUCTS])
counts["orders.csv"] = write_csv(
    "orders.csv",
    ["order_id", "shop", "customer_id", "sku", "quantity", "amount", "cost", "coupon",
     "created_at", "paid_at", "status", "buyer_note"],
    [[o["id"], o["shop"], o["customer"], o["sku"], o["qty"], money(o["amount"]),
      money(o["cost"]), o["coupon"], ts(o["created"]), ts(o["paid"]), o["status"], o["note"]]
     for o in orders])
ship_rows = []
for o in sorted((o for o in paid_orders if o["ship"] and o["ship"]["shipped"] < END),
                key=lambda o: (o["ship"]["shipped"], o["id"])):
    sh = o["ship"]
    status, signed = sh["outcome"], None
    if status == "delivered":
        signed = sh["arrive"]
        if signed >= END:
            status, signed = "in_transit", None
    elif sh["arrive"] + timedelta(days=3) >= END:  # loss/return not yet known
        status = "in_transit"
    ship_rows.append([o["id"], o["shop"], sh["carrier"], o["province"],
                      ts(sh["shipped"]), ts(sh["promised"]), ts(signed), status])
counts["shipments.csv"] = write_csv(
    "shipments.csv",
    ["order_id", "shop", "carrier", "province", "shipped_at", "promised_at",
     "signed_at", "status"], ship_rows)
counts["refunds.csv"] = write_csv(
    "refunds.csv",
    ["refund_id", "order_id", "phase", "type", "reason", "amount", "requested_at",
     "reviewed_at", "closed_at", "status", "closed_by", "intervened", "disputed"],
    [[r["id"], r["order"]["id"], r["phase"], r["type"], r["reason"],
      money(r["amount"]), ts(r["requested"]), ts(r["review"]), ts(r["closed"]), r["status"],
      r["closed_by"], b(r["intervened"]), b(r["disputed"])] for r in refunds])
counts["aftersales_ratings.csv"] = write_csv(
    "aftersales_ratings.csv", ["rating_id", "refund_id", "shop", "rated_at", "stars"],
    [["S%05d" % k, x["refund"]["id"], x["refund"]["shop"], ts(x["t"]), x["stars"]]
     for k, x in enumerate(ratings, 1)])
counts["reviews.csv"] = write_csv(
    "reviews.csv",
    ["review_id", "order_id", "shop", "reviewed_at", "rating", "dsr_item", "dsr_service",
     "dsr_shipping", "comment"],
    [["E%05d" % k, o["id"], o["shop"], ts(t), rating, dsr[0], dsr[1], dsr[2], comment]
     for k, (o, t, rating, dsr, comment) in enumerate(reviews, 1)])
counts["tickets.csv"] = write_csv(
    "tickets.csv",
    ["ticket_id", "shop", "channel", "level", "topic", "order_id", "customer_id", "agent",
     "question_at", "first_reply_at", "resolved_at", "transferred", "called_back", "rating"],
    [[t["id"], t["shop"], t["channel"], t["level"], t["topic"],
      t["order"]["id"] if t["order"] else None, t["customer"], t["agent"], ts(t["asked"]),
      ts(t["reply"]), ts(t["resolved"]), b(t["transferred"]), b(t["called_back"]),
      t["rating"]] for t in tickets])
counts["part_requests.csv"] = write_csv(
    "part_requests.csv",
    ["request_id", "shop", "ticket_id", "part", "planned_warehouse", "served_warehouse",
     "requested_at", "needed_by", "served_at", "extra_cost"],
    [["P%05d" % k, p["shop"], p["ticket"]["id"], p["part"], p["planned"], p["served_wh"],
      ts_cst(p["requested"]), ts_cst(p["needed_by"]), ts_cst(p["served"]),
      None if p["extra"] is None else "%.1f" % p["extra"]]
     for k, p in enumerate(part_requests, 1)])
counts["stock.csv"] = write_csv(
    "stock.csv", ["snapshot_date", "sku", "on_hand", "qty_demanded", "qty_short", "unit_cost"],
    stock_rows)
counts["visits.csv"] = write_csv(
    "visits.csv", ["visit_date", "shop", "visitor_id"], visits)
counts["category_benchmarks.csv"] = write_csv(
    "category_benchmarks.csv", ["week_start", "category", "kpi", "category_avg"], benchmarks)

if __name__ == "__main__":
    total = 0
    for name in sorted(counts):
        size = os.path.getsize(os.path.join(OUT, name))
        total += size
        print("%-26s %6d rows %8d bytes" % (name, counts[name], size))
    print("%-26s %6s      %8d bytes" % ("total", "", total))
