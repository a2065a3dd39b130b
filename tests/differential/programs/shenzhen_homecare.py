"""Shenzhen home care (篇十七): Shenzhen hukou, aged 60 or over; 低保 and unable to care
for oneself 500 a month; unable to care for oneself, not 低保, 300; 三无, 低保 or key
special-care elderly 300; the highest only, never added (就高不就低，不重复计算); the
person pays the service cost above the subsidy. The old 80+ voucher (200 a month) runs
until three months after issue (the pack assumes issue on 2009-01-01, so until
2009-03-31), only where the district extends it."""

import json
import random
from datetime import date
from decimal import Decimal

from common import FEN, ZERO, decimal_text, maybe, outcome, tags, yuan

PACK = "shenzhen-homecare"
DATES = [date(2009, 1, 1), date(2009, 3, 31), date(2009, 4, 1), date(2015, 6, 1)]


def reference(p: dict, as_of: date) -> dict:
    tags = set(p.get("tags", []))
    age = int(p["age"])
    care = p["self_care"] != "able"  # 生活不能自理（介护）: partly or fully disabled
    extends = p.get("district_extends_80_voucher", False)
    voucher80 = Decimal(200) if as_of < date(2009, 4, 1) else Decimal(0)
    tiers = []
    if "dibao" in tags and care:
        tiers.append(Decimal(500))
    if care and "dibao" not in tags:
        tiers.append(Decimal(300))
    if tags & {"sanwu", "dibao", "youfu"}:
        tiers.append(Decimal(300))
    if age >= 80 and extends and voucher80 > 0:
        tiers.append(voucher80)
    eligible = p["local_hukou"] and age >= 60 and bool(tiers)
    subsidy = yuan(max(tiers, default=ZERO))
    cost = Decimal(str(p.get("service_cost", "0")))
    fee = yuan(max(cost - subsidy, Decimal(0)))
    return outcome(eligible, fee, ZERO, subsidy, {"lottery_fund": subsidy, "person": fee})


def generate(r: random.Random, i: int) -> dict:
    age = r.choice([lambda: r.randint(0, 150), lambda: r.choice([59, 60, 61, 79, 80, 81, 100])])()
    p = {"id": f"s{i}", "age": age, "local_hukou": r.random() < 0.85, "self_care": r.choice(["able", "able", "partly_disabled", "fully_disabled"])}
    maybe(r, p, "service_cost", r.choice([
        lambda: decimal_text(r, 2000, 3),
        lambda: str(r.choice([0, 200, 299.99, 300, 300.01, 500, 500.005, 499.995])),
    ])(), 0.2)
    maybe(r, p, "district_extends_80_voucher", r.random() < 0.5, 0.4)
    p["tags"] = tags(r, ["dibao", "sanwu", "youfu"], 0.2)
    return p
