#!/usr/bin/env python3
"""Benchmark data: N orders and N/10 refunds over 90 days, and a shops dimension, deterministic.

    python3 bench/generate.py 1000000 /tmp/tally-bench
"""
import os
import random
import sys
from datetime import datetime, timedelta

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/tally-bench"
os.makedirs(out, exist_ok=True)
rng = random.Random(42)
# Categories draw from their own stream, so the other columns are what they were without them.
category_rng = random.Random(43)
start = datetime(2024, 4, 1)
shops = ["A", "B", "C", "天猫店", "拼多多店"]
statuses = ["paid"] * 8 + ["unpaid", "refunded"]
categories = ["服装", "鞋包", "数码", "家居", "美妆"]
with open(os.path.join(out, "orders.csv"), "w", encoding="utf-8") as f:
    f.write("order_id,shop,customer_id,amount,status,created_at,paid_at,coupon,category\n")
    for i in range(n):
        created = start + timedelta(seconds=rng.randrange(90 * 86400))
        status = rng.choice(statuses)
        paid = "" if status == "unpaid" else (created + timedelta(seconds=rng.randrange(3600))).strftime("%Y-%m-%d %H:%M:%S")
        coupon = "" if rng.random() < 0.8 else f"C{rng.randrange(50)}"
        category = "" if category_rng.random() < 0.02 else category_rng.choice(categories)  # 2% without one
        f.write(f"{i},{rng.choice(shops)},{rng.randrange(n // 3 + 1)},{rng.randrange(100, 100000) / 100},{status},"
                f"{created:%Y-%m-%d %H:%M:%S},{paid},{coupon},{category}\n")
with open(os.path.join(out, "refunds.csv"), "w", encoding="utf-8") as f:
    f.write("refund_id,order_id,shop,amount,requested_at,closed_at,closed_by,intervened\n")
    for i in range(n // 10):
        req = start + timedelta(seconds=rng.randrange(90 * 86400))
        closed = "" if rng.random() < 0.1 else (req + timedelta(seconds=rng.randrange(5 * 86400))).strftime("%Y-%m-%d %H:%M:%S")
        by = "" if not closed else rng.choice(["merchant", "merchant", "buyer", "platform"])
        f.write(f"{i},{rng.randrange(n)},{rng.choice(shops)},{rng.randrange(100, 50000) / 100},"
                f"{req:%Y-%m-%d %H:%M:%S},{closed},{by},{'true' if rng.random() < 0.03 else 'false'}\n")
# The shops dimension; C is missing, so its orders reach no region (and D has no orders).
# Written last: its presence means the data set is complete.
with open(os.path.join(out, "shops.csv"), "w", encoding="utf-8") as f:
    f.write("shop,region\n")
    for shop, region in [("A", "华东"), ("B", "华北"), ("天猫店", "华东"), ("拼多多店", "华南"), ("D", "西南")]:
        f.write(f"{shop},{region}\n")
