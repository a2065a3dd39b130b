"""Hebi 2020 (篇四 5th part): enrolled compulsory-education pupils (primary, junior) are
served; priority to disabled, left-behind, migrant workers' and economically difficult pupils.
Cost recovery shared by government and parents (由政府和家長共同負擔服務成本): the cost and
the government's share are set by the authorities — here the example values file's 360.00 a
semester and 50%; pupils of poor families are served free (要對家庭貧困學生提供免費課后服務),
the government bearing their half too."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, outcome, tags, yuan

PACK = "hebi-2020"
DATES = [date(2020, 9, 1), date(2021, 3, 1), date(2024, 6, 30)]
GROUPS = ("disabled", "left_behind", "migrant", "hardship")


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    eligible = p["stage"] in ("primary", "junior")
    cost = Decimal("360.00")
    government = yuan(cost * Decimal(50) / Decimal(100))
    if "hardship" in t:
        government = cost
    groups = [g for g in GROUPS if g in t]
    return outcome(eligible, cost, government, ZERO, {"government": government, "parents": cost - government}, groups)


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"h{i}", "stage": r.choice(["preschool", "primary", "primary", "junior", "senior"])}
    p["tags"] = tags(r, list(GROUPS), 0.25)
    return p
