"""Chongqing Wanzhou 2020 (篇九): 3.00 yuan per student per class-hour, at most 170 a
month; 建档立卡 and 低保 students' fees waived; enrolled primary and junior students;
priority to dual-worker, disabled, left-behind, migrant, 建档立卡, 低保 and lower/middle
grades (the pack takes grades 1–4 as lower/middle: its assumed `lower_grade_max`)."""

import json
import random
from datetime import date
from decimal import Decimal

from common import FEN, ZERO, decimal_text, maybe, outcome, tags, yuan

PACK = "chongqing-wanzhou-2020"
DATES = [date(2020, 9, 1), date(2021, 3, 1), date(2026, 1, 31)]


def reference(p: dict, as_of: date) -> dict:
    tags = set(p.get("tags", []))
    eligible = p["stage"] in ("primary", "junior")
    fee = yuan(min(Decimal("3.00") * Decimal(str(p["class_hours"])), Decimal(170)))
    waived = bool(tags & {"jianka", "dibao"})
    reduction = fee if waived else ZERO
    groups = [g for g in ("dual_worker", "disabled", "left_behind", "migrant", "jianka", "dibao") if g in tags]
    if p["stage"] == "primary" and int(p["grade"]) <= 4:
        groups.append("lower_grades")
    return outcome(eligible, fee, reduction, ZERO, {"parents": fee - reduction}, groups)


def generate(r: random.Random, i: int) -> dict:
    hours = r.choice([
        lambda: str(r.randint(0, 80)),
        lambda: decimal_text(r, 80, 3),
        lambda: r.choice(["56.666", "56.667", "56.6666", "56.67", "0", "10000", "0.001", "0.005"]),
        lambda: decimal_text(r, 10000, 2),
    ])()
    p = {"id": f"w{i}", "stage": r.choice(["preschool", "primary", "primary", "junior", "senior"]),
         "grade": r.randint(1, 12), "class_hours": hours if r.random() < 0.5 else json.loads(hours)}
    p["tags"] = tags(r, ["dibao", "jianka", "dual_worker", "disabled", "left_behind", "migrant"], 0.15)
    return p
