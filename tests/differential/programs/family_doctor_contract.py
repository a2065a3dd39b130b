"""Village-doctor contracts (篇十八): a household that signed is served, year by year, unless it
cancelled at expiry. No money: what is compared is who is served and the counted services —
a health assessment a year; a free check-up a year from 65; for a pregnancy 5 prenatal checks
and 2 postnatal visits; for severe mental illness at home 4 home follow-ups and a check a
year; for diagnosed hypertension a fuller check-up and at least 4 face-to-face follow-ups a
year; hypertension screening for permanent residents from 35 who are not diagnosed (the
source gives no count: the pack's assumed 1 a year)."""

import random
from datetime import date

from common import ZERO, maybe, outcome, tags

PACK = "family-doctor-contract"
DATES = [date(2017, 7, 31), date(2020, 1, 1)]
ENTITLEMENTS = True


def reference(p: dict, as_of: date) -> dict:
    t = set(p.get("tags", []))
    unmet = []
    if not p["household_signed"]:
        unmet.append("household_signed")
    if p.get("cancelled", False):
        unmet.append("not_cancelled")
    eligible = not unmet
    age = int(p["age"])
    hyper = "hypertension" in t
    smi = "severe_mental_illness" in t
    maternal = p.get("maternal", False)
    services = [("health_assessment", "1", False)]
    if age >= 65:
        services.append(("elderly_checkup", "1", False))
    if maternal:
        services += [("prenatal_checks", "5", False), ("postnatal_visits", "2", False)]
    if smi:
        services += [("smi_home_followups", "4", False), ("smi_checkup", "1", False)]
    if age >= 35 and p.get("permanent_resident", True) and not hyper:
        services.append(("hypertension_screening", "1", False))
    if hyper:
        services += [("hypertension_checkup", "1", False), ("hypertension_followups", "4", True)]
    o = outcome(eligible, ZERO, ZERO, ZERO, {})
    o["entitlements"] = services if eligible else []
    o["extra"] = {"reasons": ";".join(unmet)}
    return o


def generate(r: random.Random, i: int) -> dict:
    age = r.choice([lambda: r.randint(0, 110), lambda: r.choice([34, 35, 36, 64, 65, 66])])()
    p = {"id": f"d{i}", "age": age, "household_signed": r.random() < 0.85}
    for k in ("cancelled", "maternal", "permanent_resident"):
        maybe(r, p, k, r.random() < (0.8 if k == "permanent_resident" else 0.2), 0.4)
    p["tags"] = tags(r, ["severe_mental_illness", "hypertension"], 0.2)
    return p
