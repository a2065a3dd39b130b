"""A Jinan primary school's after-dismissal care (篇二十): primary pupils whose parents applied
in writing; priority to pupils with nobody at home, left-behind children and migrant workers'
children (the ministry guidance); the fee is set locally — here the example values file's
200.00 a semester, paid by parents. An ineligible pupil is told each unmet requirement."""

import random
from datetime import date
from decimal import Decimal

from common import flat_fee, maybe, tags, unmet_by_school_pupil

PACK = "jinan-school-2019"
DATES = [date(2019, 9, 1), date(2021, 5, 10), date(2030, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    groups = [g for g, holds in (("unattended", p.get("unattended", False)),
                                 ("left_behind", "left_behind" in t),
                                 ("migrant", "migrant" in t)) if holds]
    return flat_fee(unmet_by_school_pupil(p, ("primary",), "primary_pupil"), Decimal("200.00"), groups)


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"j{i}", "stage": r.choice(["primary", "primary", "junior", "preschool"]), "applied": r.random() < 0.8}
    maybe(r, p, "unattended", r.random() < 0.4, 0.3)
    p["tags"] = tags(r, ["left_behind", "migrant"], 0.25)
    return p
