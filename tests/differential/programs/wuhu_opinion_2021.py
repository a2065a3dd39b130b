"""Wuhu opinion 2021 (篇四 1st part): compulsory-education pupils (primary, junior). The fee
is set by each county's price authority — here the example values file's 300.00 a semester;
fees for economically difficult pupils are reduced or waived (要減免費用; the pack reads a full
waiver). The treasury pays the school at most 500 yuan per participating pupil a year (每生不高于
500元/年), remote areas up to 20% more (上浮不超過20%; the pack applies the full 20% to the
county's base rate, not to a rate that already includes it): per semester, half the year's
rate, uplifted, at most 500 × (1.2 if remote) / 2, rounded to the fen half up."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, decimal_text, maybe, outcome, tags, yuan

PACK = "wuhu-opinion-2021"
DATES = [date(2021, 9, 1), date(2022, 3, 1), date(2030, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    eligible = p["stage"] in ("primary", "junior")
    fee = Decimal("300.00")
    reduction = fee if "hardship" in t else ZERO
    remote = p.get("remote", False)
    rate = Decimal(str(p.get("approved_rate", "500")))
    semester = rate / 2
    if remote and not p.get("approved_rate_includes_uplift", False):
        semester = semester * Decimal(120) / Decimal(100)
    ceiling = Decimal(500) * (Decimal(120) if remote else Decimal(100)) / Decimal(100) / 2
    subsidy = yuan(min(semester, ceiling))
    return outcome(eligible, fee, reduction, subsidy, {"parents": fee - reduction, "county": subsidy})


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"w{i}", "stage": r.choice(["preschool", "primary", "junior", "junior", "senior"])}
    maybe(r, p, "remote", r.random() < 0.4, 0.3)
    maybe(r, p, "approved_rate_includes_uplift", r.random() < 0.3, 0.6)
    maybe(r, p, "approved_rate", r.choice([
        lambda: decimal_text(r, 900, 4),
        lambda: str(r.choice([0, 416.67, 416.66, 500, 499.99, 500.01, 600, 333.335])),
        lambda: r.choice(["0.005", "0.015", "416.665", "499.995", "250.005"]),
    ])(), 0.3)
    p["tags"] = tags(r, ["hardship"], 0.25)
    return p
