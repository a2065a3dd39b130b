"""Sanming "5+2" 2022: primary and junior pupils. The service costs what cost accounting says,
parents pay and the government subsidises (成本核算,家长收取、政府补助); the fee document was
still being drafted, so the cost and the government's share come from the example values file:
600.00 a semester from 2022-09-01, 40% borne by the government (rounded to the fen half up),
the parents paying the rest. Before 2022-09-01 no cost is set: not evaluated here (the cases
check that error)."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, outcome, yuan

PACK = "sanming-5plus2-2022"
DATES = [date(2022, 9, 1), date(2023, 3, 1), date(2027, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    eligible = p["stage"] in ("primary", "junior")
    cost = Decimal("600.00")
    government = yuan(cost * Decimal(40) / Decimal(100))
    return outcome(eligible, cost, government, ZERO, {"government": government, "parents": cost - government})


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"m{i}", "stage": r.choice(["preschool", "primary", "junior", "senior"])}
    for k in ("special_need", "noon_pickup_difficulty", "school_offers_noon_care", "evening_study_requested"):
        if r.random() < 0.5:
            p[k] = r.random() < 0.5
    return p
