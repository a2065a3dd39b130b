"""Nanjing 2021 (篇二十 last part): 300 yuan per student per semester, none at private
schools; 建档立卡, 低保 and other difficult families exempted (the source says 减免; the
pack assumes in full); the district funds its own standard (default 500) per participating
student a year, booked per semester (two a school year); "at least 500 on average" is a
program-level check (the audit's `averages`), not a per-pupil floor."""

import json
import random
from datetime import date
from decimal import Decimal

from common import FEN, ZERO, decimal_text, maybe, outcome, tags, yuan

PACK = "nanjing-2021"
DATES = [date(2021, 9, 1), date(2022, 2, 15), date(2030, 6, 30)]


def reference(p: dict, as_of: date) -> dict:
    tags = set(p.get("tags", []))
    eligible = p["stage"] in ("primary", "junior")
    fee = ZERO if p.get("private_school", False) else Decimal("300.00")
    reduction = fee if tags & {"jianka", "dibao", "hardship"} else ZERO
    standard = Decimal(str(p.get("district_annual_standard", "500")))
    fund = yuan(standard / 2)  # the 500 a year is a floor on the average, not per pupil
    return outcome(eligible, fee, reduction, fund, {"district": fund, "parents": fee - reduction})


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"n{i}", "stage": r.choice(["preschool", "primary", "junior", "junior", "senior"])}
    maybe(r, p, "private_school", r.random() < 0.2, 0.4)
    std = r.choice([
        lambda: decimal_text(r, 2000, 4),
        lambda: str(r.choice([0, 499, 500, 501, 777, 1000])),
        lambda: r.choice(["500.01", "499.99", "777.77", "333.335", "1000.005", "0.0001"]),
    ])()
    maybe(r, p, "district_annual_standard", std, 0.3)
    p["tags"] = tags(r, ["jianka", "dibao", "hardship"], 0.15)
    return p
