"""Shijianfang central primary, Faku (篇五): enrolled grade 1–6 pupils whose application was
approved and filed take part, free (學生一律免費參加). The city pays per pupil actually taking
part (按照實際參與學生人數撥付) — here the example values file's 60.00 a month — for a pupil
who attended on at least one day of the month."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, outcome

PACK = "faku-school-2017"
DATES = [date(2017, 9, 18), date(2018, 3, 1), date(2025, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    unmet = []
    if not (p["stage"] == "primary" and int(p["grade"]) <= 6):
        unmet.append("pupil_grade_1_to_6")
    if not p["approved"]:
        unmet.append("approved")
    eligible = not unmet
    city = Decimal("60.00") if Decimal(str(p["days"])) > 0 else ZERO
    o = outcome(eligible, ZERO, ZERO, city, {"city": city, "parents": ZERO})
    o["extra"] = {"reasons": ";".join(unmet)}
    return o


def generate(r: random.Random, i: int) -> dict:
    return {"id": f"k{i}", "stage": r.choice(["primary", "primary", "junior", "preschool"]),
            "grade": r.randint(1, 9), "approved": r.random() < 0.8,
            "days": r.choice([0, 0, 1, 5, 20, 23])}
