"""Shandong pilot towns (seed 004): a selected provincial pilot town gets 1 500 000 yuan from
the province (每个乡镇予以150万元专项资金支持); a city- or county-level pilot town gets what
its city or county sets — here the example values file's 500 000; a town not selected gets
nothing."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, outcome

PACK = "shandong-pilot-towns-2021"
DATES = [date(2021, 3, 1), date(2021, 7, 30), date(2030, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    province = Decimal("1500000.00") if p["level"] == "province" else ZERO
    local = Decimal("500000.00") if p["level"] in ("city", "county") else ZERO
    return outcome(p["selected"], ZERO, ZERO, province + local, {"province": province, "city_county": local})


def generate(r: random.Random, i: int) -> dict:
    return {"id": f"t{i}", "level": r.choice(["province", "city", "county"]), "selected": r.random() < 0.8}
