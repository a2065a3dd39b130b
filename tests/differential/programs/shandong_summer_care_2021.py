"""Shandong summer care (seed 004): primary and junior pupils who applied (学生自愿); the fee is
set locally — here the example values file's 200.00 for the summer, paid by parents. An
ineligible pupil is told each unmet requirement."""

import random
from datetime import date
from decimal import Decimal

from common import flat_fee, unmet_by_school_pupil

PACK = "shandong-summer-care-2021"
DATES = [date(2021, 7, 1), date(2021, 8, 2), date(2030, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    return flat_fee(unmet_by_school_pupil(p, ("primary", "junior"), "school_pupil"), Decimal("200.00"))


def generate(r: random.Random, i: int) -> dict:
    return {"id": f"s{i}", "stage": r.choice(["primary", "junior", "senior", "preschool"]), "applied": r.random() < 0.8}
