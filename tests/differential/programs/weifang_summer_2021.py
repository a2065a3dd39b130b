"""Weifang 2021 (篇十三): free summer care (暑期托管免费) for compulsory-stage pupils (the
pack's reading), with those nobody looks after at home from dual-worker, migrant-worker and
low- or middle-income families first. The after-school service's funding, 54.43 million yuan
for 716 000 pupils, gives an average per pupil of 54 430 000 ÷ 716 000 = 76.0195… → 76.02 (half
up), booked to no payer (the source names none)."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, maybe, outcome, tags, yuan

PACK = "weifang-summer-2021"
DATES = [date(2021, 9, 1), date(2022, 7, 15), date(2026, 1, 1)]
GROUPS = ("dual_worker", "migrant", "low_middle_income")


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    eligible = p["stage"] in ("primary", "junior")
    subsidy = yuan(Decimal(54430000) / Decimal(716000)) if p.get("after_school", False) else ZERO
    groups = [g for g in GROUPS if g in t] if p.get("unattended", False) else []
    return outcome(eligible, ZERO, ZERO, subsidy, {"parents": ZERO}, groups)


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"wf{i}", "stage": r.choice(["preschool", "primary", "junior", "senior"])}
    for k in ("summer_care", "after_school", "unattended"):
        maybe(r, p, k, r.random() < 0.5, 0.3)
    p["tags"] = tags(r, list(GROUPS), 0.3)
    return p
