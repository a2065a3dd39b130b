"""Tong'an family elderly-care beds (篇十九): elderly people (60 or over: the pack's reading)
with a light or higher disability and a family caregiver living with them. Subsidies, paid by
the district, added: a one-off construction subsidy for a new bed of a local 特困/低保/
low-income elder — the refit at cost up to 3000 less any refit subsidy had before (none when
one was had and a second refit is not assessed necessary), smart devices up to 2000, at most
5000 in all; an operation subsidy of 250 a month for local hukou; a nursing subsidy of 1200
(fully) or 1000 (partly disabled) for the local backstop elderly, not for those who already
get the disabled persons' nursing subsidy. Each component and each subsidy is rounded to the
fen half up."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, decimal_text, maybe, outcome, tags, yuan

PACK = "tongan-family-bed"
DATES = [date(2022, 1, 1), date(2023, 6, 1)]


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    care = p["self_care"]
    eligible = int(p["age"]) >= 60 and care in ("partly_disabled", "fully_disabled") and p["family_caregiver"]
    local = p["local_hukou"]
    backstop = local and bool(t & {"tekun", "dibao", "low_income"})
    total = ZERO
    if p.get("new_bed", False) and backstop:
        earlier = Decimal(str(p.get("earlier_refit_subsidy", "0")))
        if earlier > 0 and not p.get("second_refit_necessary", False):
            refit_cap = Decimal(0)
        else:
            refit_cap = Decimal(3000) - earlier
        # Each component is an amount of money: rounded to the fen on its own.
        refit = yuan(max(min(Decimal(str(p.get("refit_cost", "0"))), max(refit_cap, ZERO)), ZERO))
        smart = yuan(min(Decimal(str(p.get("smart_cost", "0"))), Decimal(2000)))
        total += yuan(min(refit + smart, Decimal(5000)))
    if local:
        total += Decimal("250.00")
    if backstop and "disability_nursing_subsidy" not in t:
        if care == "fully_disabled":
            total += Decimal("1200.00")
        elif care == "partly_disabled":
            total += Decimal("1000.00")
    return outcome(eligible, ZERO, ZERO, total, {"district": total}, ["backstop"] if backstop else [])


def cost(r: random.Random) -> str:
    return r.choice([
        lambda: decimal_text(r, 6000, 3),
        lambda: str(r.choice([0, 1999.99, 2000, 2000.01, 2999.995, 3000, 3000.01, 5000])),
    ])()


def generate(r: random.Random, i: int) -> dict:
    age = r.choice([lambda: r.randint(40, 110), lambda: r.choice([59, 60, 61])])()
    p = {"id": f"t{i}", "age": age, "local_hukou": r.random() < 0.8,
         "self_care": r.choice(["able", "partly_disabled", "fully_disabled"]),
         "family_caregiver": r.random() < 0.8}
    maybe(r, p, "new_bed", r.random() < 0.5, 0.3)
    maybe(r, p, "refit_cost", cost(r), 0.3)
    maybe(r, p, "smart_cost", cost(r), 0.3)
    maybe(r, p, "earlier_refit_subsidy", r.choice(["0", "0", "500", "2999.99", "3000", "1234.565", "3500.5"]), 0.4)
    maybe(r, p, "second_refit_necessary", r.random() < 0.5, 0.5)
    p["tags"] = tags(r, ["tekun", "dibao", "low_income", "disability_nursing_subsidy"], 0.25)
    return p
