#!/usr/bin/env python3
"""A marketplace back end's exports, at N orders: deterministic, shaped like the real files.

    python3 bench/generate.py 1000000 /tmp/tally-bench-1000000/data

- orders.csv: unique text order ids, buyer ids (a buyer orders three times on average),
  300 Chinese shop names, provinces, SKUs, decimal amounts and discounts, a coupon for one
  order in five, a status, three timestamps (created, paid: null when unpaid, shipped: null
  until shipped) and a buyer's note in Chinese for one order in ten, quoted when it holds a
  comma.
- refunds.csv: for about 15% of the orders, with a reason in Chinese, who closed it and when.
- reviews.csv: for about a third of the orders, a rating and a text in Chinese.

Times are local wall-clock times (the shop's, Asia/Shanghai) without an offset, over the
first half of 2024. shops.csv is written last: its presence means the world is complete.
"""
import os
import random
import sys
from datetime import datetime, timedelta

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/tally-bench/data"
os.makedirs(out, exist_ok=True)
rng = random.Random(2024)
start = datetime(2024, 1, 1)
span = 182 * 86400

syllables = "优品 旗舰 官方 家居 数码 美妆 服饰 母婴 食品 运动 户外 良品 生活 精选 潮流 国货 小铺 专营 宝贝 百货".split()
shops = sorted({f"{rng.choice(syllables)}{rng.choice(syllables)}{k}号店" for k in range(300)})
provinces = "广东 浙江 江苏 上海 北京 山东 四川 湖北 河南 福建 湖南 安徽 河北 陕西 重庆 辽宁 天津 江西 广西 云南 山西 黑龙江 吉林 贵州 新疆 甘肃 内蒙古 海南 宁夏 青海 西藏".split()
statuses = ["交易成功"] * 14 + ["已发货"] * 3 + ["等待付款"] * 2 + ["交易关闭"]
reasons = ["七天无理由", "质量问题", "尺码不合适", "少件漏发", "与描述不符", "物流太慢", "不想要了"]
closers = ["商家", "商家", "商家", "买家", "平台"]
notes = ["请尽快发货", "送人的，不要放发票", "周末送货，谢谢", "颜色要深一点", "包装好一点，易碎", "麻烦多给几个袋子"]
texts = ["质量很好，物流很快", "一般般吧", "和描述一致，好评", "包装破损了，不太满意", "性价比高，会回购", "颜色有色差", "客服态度很好"]


def stamp(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


def field(s):
    return f'"{s}"' if "," in s or '"' in s else s


buyers = max(1, n // 3)
refund_rows, review_rows = [], []
with open(os.path.join(out, "orders.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("order_id,buyer_id,shop,province,sku,quantity,amount,discount,coupon,status,created_at,paid_at,shipped_at,buyer_note\n")
    for i in range(n):
        created = start + timedelta(seconds=rng.randrange(span))
        status = rng.choice(statuses)
        paid = None if status == "等待付款" else created + timedelta(seconds=rng.randrange(1, 1800))
        shipped = paid + timedelta(seconds=rng.randrange(3600, 3 * 86400)) if paid and status != "交易关闭" and rng.random() < 0.9 else None
        shop = rng.choice(shops)
        quantity = rng.choice((1, 1, 1, 1, 2, 2, 3, 5))
        amount = rng.randrange(990, 99900) * quantity / 100
        discount = rng.randrange(0, 2000) / 100 if rng.random() < 0.3 else 0
        coupon = f"Q{rng.randrange(10000, 99999)}" if rng.random() < 0.2 else ""
        note = field(rng.choice(notes)) if rng.random() < 0.1 else ""
        order_id = f"O{240000000000 + i * 7919 % 1000000007:012d}"
        f.write(f"{order_id},B{rng.randrange(buyers):08d},{shop},{rng.choice(provinces)},SKU-{rng.randrange(100000):05d},"
                f"{quantity},{amount:.2f},{discount:.2f},{coupon},{status},{stamp(created)},"
                f"{stamp(paid) if paid else ''},{stamp(shipped) if shipped else ''},{note}\n")
        if paid and rng.random() < 0.15:
            requested = paid + timedelta(seconds=rng.randrange(600, 10 * 86400))
            closed = requested + timedelta(seconds=rng.randrange(300, 5 * 86400)) if rng.random() < 0.9 else None
            refund_rows.append((order_id, shop, min(amount, rng.randrange(100, 50000) / 100), requested, closed))
        if paid and rng.random() < 0.34:
            review_rows.append((order_id, shop, paid + timedelta(seconds=rng.randrange(86400, 15 * 86400))))
with open(os.path.join(out, "refunds.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("refund_id,order_id,shop,amount,reason,requested_at,closed_at,closed_by,intervened\n")
    for k, (order_id, shop, amount, requested, closed) in enumerate(refund_rows):
        by = rng.choice(closers) if closed else ""
        f.write(f"R{k:010d},{order_id},{shop},{amount:.2f},{rng.choice(reasons)},{stamp(requested)},"
                f"{stamp(closed) if closed else ''},{by},{'true' if rng.random() < 0.04 else 'false'}\n")
with open(os.path.join(out, "reviews.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("review_id,order_id,shop,rating,created_at,content,has_image\n")
    for k, (order_id, shop, created) in enumerate(review_rows):
        rating = rng.choice((5, 5, 5, 5, 4, 4, 3, 2, 1))
        content = field(rng.choice(texts)) if rng.random() < 0.7 else ""
        f.write(f"V{k:010d},{order_id},{shop},{rating},{stamp(created)},{content},{'true' if rng.random() < 0.25 else 'false'}\n")
with open(os.path.join(out, "shops.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("shop,region\n")
    for k, shop in enumerate(shops):
        f.write(f"{shop},{['华东', '华南', '华北', '西南', '华中'][k % 5]}\n")
