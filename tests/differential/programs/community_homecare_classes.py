"""Community home care, classes A, B and C (篇十七): elderly aged 60 or over whose hukou and home
are both in the area. Class A (free service): registered-relief 三无 solitary elderly; 低保
elderly living alone or only with disabled children; 优抚 solitary elderly; first-class disabled
servicemen; model workers; centenarians. Class B (subsidised): low-income elderly of x years or
over living alone or with disabled children; managed retirees with a pension of x yuan or less,
x years or over, living alone and not able to care for themselves. Class C: managed retirees
with a pension of x or less, x or over, alone or with disabled children. Everyone else: paid
service. The first class that fits is theirs; each class's service is worth xx a month. The
source redacts every x and xx: the local civil affairs bureau sets them — here the example
values file's 300 / 200 / 100 a month, ages 70 and pensions up to 1000 (inclusive)."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, decimal_text, maybe, outcome, tags

PACK = "community-homecare-classes"
DATES = [date(2010, 1, 1), date(2015, 6, 1)]
STATUSES = ["sanwu_relief", "dibao", "youfu_orphan", "veteran_class1", "model_worker", "low_income", "managed_retiree"]


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    age = int(p["age"])
    living = p["living_situation"]
    self_care = p.get("self_care", "able")
    pension = Decimal(str(p.get("monthly_pension", "0")))
    unmet = [r for r, ok in (("aged_60", age >= 60), ("local_hukou", p["local_hukou"]),
                             ("local_residence", p["local_residence"])) if not ok]
    eligible = not unmet
    alone_or_disabled_children = living in ("alone", "with_disabled_children")
    groups = {
        "a1_sanwu": "sanwu_relief" in t,
        "a2_dibao_alone": "dibao" in t and age >= 60 and alone_or_disabled_children,
        "a3_youfu_orphan": "youfu_orphan" in t,
        "a4_veteran": "veteran_class1" in t,
        "a5_model_worker": "model_worker" in t,
        "a6_centenarian": age >= 100,
        "b1_low_income_alone": "low_income" in t and age >= 70 and alone_or_disabled_children,
        "b2_retiree_alone_frail": "managed_retiree" in t and pension <= 1000 and age >= 70
        and living == "alone" and self_care != "able",
        "c1_retiree_alone": "managed_retiree" in t and pension <= 1000 and age >= 70 and alone_or_disabled_children,
    }
    if any(groups[g] for g in groups if g.startswith("a")):
        category, value = "class_a", Decimal("300.00")
    elif groups["b1_low_income_alone"] or groups["b2_retiree_alone_frail"]:
        category, value = "class_b", Decimal("200.00")
    elif groups["c1_retiree_alone"]:
        category, value = "class_c", Decimal("100.00")
    else:
        category, value = "paid", ZERO
    o = outcome(eligible, ZERO, ZERO, value, {"district": value}, [g for g, ok in groups.items() if ok])
    o["extra"] = {"reasons": ";".join(unmet), "category": category if eligible else ""}
    return o


def generate(r: random.Random, i: int) -> dict:
    age = r.choice([lambda: r.randint(50, 110), lambda: r.choice([59, 60, 69, 70, 71, 99, 100, 101])])()
    p = {"id": f"e{i}", "age": age, "local_hukou": r.random() < 0.85, "local_residence": r.random() < 0.85,
         "living_situation": r.choice(["alone", "with_family", "with_disabled_children", "institution"])}
    maybe(r, p, "self_care", r.choice(["able", "partly_disabled", "fully_disabled"]), 0.3)
    maybe(r, p, "monthly_pension", r.choice([
        lambda: decimal_text(r, 3000, 2),
        lambda: r.choice(["999.99", "1000", "1000.00", "1000.01", "0"]),
    ])(), 0.3)
    p["tags"] = tags(r, STATUSES, 0.2)
    return p
