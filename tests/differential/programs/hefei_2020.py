"""Hefei 2020 (篇八): compulsory-stage pupils (primary, junior). Basic care (普惠托管) is
funded by the government at no less than 150 yuan per pupil per semester (the district's own
standard, when higher); personalised courses (个性化课程) are paid by the parents who opt in, at
most 600 yuan per pupil per semester excluding materials (不超過600元/學期·生(不含耗材費)),
materials paid at cost on top; each amount rounded to the fen half up."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, decimal_text, maybe, outcome, yuan

PACK = "hefei-2020"
DATES = [date(2020, 9, 1), date(2021, 3, 1), date(2028, 9, 1)]


def reference(p: dict, as_of: date) -> dict:
    eligible = p["stage"] in ("primary", "junior")
    courses = yuan(min(Decimal(str(p.get("personalised_price", "0"))), Decimal(600)))
    materials = yuan(Decimal(str(p.get("materials_cost", "0"))))
    fee = courses + materials
    subsidy = ZERO
    if p["basic_care"]:
        subsidy = yuan(max(Decimal(str(p.get("district_standard", "150"))), Decimal(150)))
    return outcome(eligible, fee, ZERO, subsidy, {"parents": fee, "district": subsidy})


def money(r: random.Random) -> str:
    return r.choice([
        lambda: decimal_text(r, 1200, 3),
        lambda: str(r.choice([0, 149.99, 150, 150.01, 599.99, 600, 600.01, 1000])),
        lambda: r.choice(["0.005", "149.995", "599.995", "600.005", "12.345"]),
    ])()


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"f{i}", "stage": r.choice(["preschool", "primary", "junior", "junior", "senior"]),
         "basic_care": r.random() < 0.6}
    maybe(r, p, "personalised_price", money(r), 0.3)
    maybe(r, p, "materials_cost", money(r), 0.5)
    maybe(r, p, "district_standard", money(r), 0.5)
    return p
