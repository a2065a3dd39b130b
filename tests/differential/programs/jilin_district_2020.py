"""Jilin district 2020 (篇四 4th part, 篇二十): urban primary schools; 80 yuan per student
per month, charged monthly (none in a vacation month, when there is no care); 建档立卡 and
other certified poor pupils pay half each month."""

import json
import random
from datetime import date
from decimal import Decimal

from common import FEN, ZERO, decimal_text, maybe, outcome, tags, yuan

PACK = "jilin-district-2020"
DATES = [date(2020, 9, 1), date(2021, 11, 30)]


def reference(p: dict, as_of: date) -> dict:
    tags = set(p.get("tags", []))
    eligible = p["stage"] == "primary" and p.get("urban_school", True)
    fee = ZERO if p.get("vacation_month", False) else Decimal("80.00")
    reduction = yuan(fee * Decimal(50) / Decimal(100)) if tags & {"jianka", "hardship"} else ZERO
    return outcome(eligible, fee, reduction, ZERO, {"parents": fee - reduction})


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"j{i}", "stage": r.choice(["preschool", "primary", "primary", "junior", "senior"])}
    maybe(r, p, "urban_school", r.random() < 0.8, 0.4)
    maybe(r, p, "vacation_month", r.random() < 0.2, 0.4)
    p["tags"] = tags(r, ["jianka", "hardship"], 0.25)
    return p
