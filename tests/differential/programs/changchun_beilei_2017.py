"""Changchun "Beilei" 2017: primary pupils are cared for free (免费); care funding follows the
number of pupils in care (按托管学生人数…拨付), shared city : district = 6 : 4 (which side is 6
is the pack's reading). The per-pupil rate is set by the treasuries — here the example values
file's 215.50 a year — times the months in care ÷ 12, rounded to the fen half up, then split
6 : 4 in fen with the leftover fen to the larger remainder."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, decimal_text, outcome, yuan

PACK = "changchun-beilei-2017"
DATES = [date(2017, 3, 15), date(2019, 6, 1)]


def split64(total: Decimal):
    units = int(total * 100)
    city, district = units * 6 // 10, units * 4 // 10
    if city + district < units:
        # The larger remainder gets the fen left over.
        if (units * 6) % 10 >= (units * 4) % 10:
            city += 1
        else:
            district += 1
    return Decimal(city) / 100, Decimal(district) / 100


def reference(p: dict, as_of: date) -> dict:
    eligible = p["stage"] == "primary"
    funding = yuan(Decimal("215.50") * Decimal(str(p["months"])) / 12)
    city, district = split64(funding)
    return outcome(eligible, ZERO, ZERO, funding, {"city": city, "district": district, "parents": ZERO})


def generate(r: random.Random, i: int) -> dict:
    months = r.choice([
        lambda: str(r.randint(0, 12)),
        lambda: decimal_text(r, 12, 2),
        lambda: r.choice(["0.5", "11.09", "7", "1", "0.01", "12"]),
    ])()
    return {"id": f"c{i}", "stage": r.choice(["primary", "primary", "junior", "preschool"]), "months": months}
