"""A school under 内教基【2017】70号 (篇十): primary pupils whose parent applied and whose class
and school approved; priority to left-behind pupils and pupils of families in difficulty.
每人每課時3.5元, read by the pack as a fee to each pupil's parents per class-hour attended
(its stated reading): 3.5 × class-hours, uncapped, no reduction, rounded to the fen half up."""

import json
import random
from datetime import date
from decimal import Decimal

from common import ZERO, decimal_text, outcome, tags, yuan

PACK = "neimeng-school-2017"
DATES = [date(2017, 9, 1), date(2020, 3, 1)]


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    unmet = []
    if p["stage"] != "primary":
        unmet.append("primary_pupil")
    if not p["applied"]:
        unmet.append("applied")
    eligible = not unmet
    fee = yuan(Decimal("3.5") * Decimal(str(p["class_hours_semester"])))
    groups = [g for g in ("left_behind", "hardship") if g in t]
    o = outcome(eligible, fee, ZERO, ZERO, {"parents": fee}, groups)
    o["extra"] = {"reasons": ";".join(unmet)}
    return o


def generate(r: random.Random, i: int) -> dict:
    hours = r.choice([
        lambda: str(r.randint(0, 200)),
        lambda: decimal_text(r, 300, 3),
        lambda: r.choice(["0.001", "0.003", "1.001", "33.333", "0.0015", "10000"]),
    ])()
    p = {"id": f"n{i}", "stage": r.choice(["primary", "primary", "junior", "preschool"]),
         "applied": r.random() < 0.8, "class_hours_semester": hours if r.random() < 0.5 else json.loads(hours)}
    p["tags"] = tags(r, ["left_behind", "hardship"], 0.25)
    return p
