"""A primary school's in-school after-school service (篇二十, 分年级时间表): grade 1–6 pupils
of the school whose parents applied in writing; free (不向家长收取任何费用); the pupil's
timetable is by grade — grade 1 16:30–17:40, 2 to 17:50, 3 to 17:55, 4 and 5 to 18:00, 6 to
17:40 — which the category names. An ineligible pupil is told each unmet requirement."""

import random
from datetime import date

from common import ZERO, outcome

PACK = "school-schedule-2020"
DATES = [date(2021, 3, 1), date(2022, 9, 1)]


def category(grade: int) -> str:
    return {1: "grade_1", 2: "grade_2", 3: "grade_3", 4: "grade_4_5", 5: "grade_4_5", 6: "grade_6"}.get(grade, "")


def reference(p: dict, as_of: date) -> dict:
    grade = int(p["grade"])
    unmet = []
    if not (p["stage"] == "primary" and grade <= 6):
        unmet.append("primary_pupil")
    if not p["applied"]:
        unmet.append("applied")
    eligible = not unmet
    o = outcome(eligible, ZERO, ZERO, ZERO, {"parents": ZERO})
    o["extra"] = {"reasons": ";".join(unmet), "category": category(grade) if eligible else ""}
    return o


def generate(r: random.Random, i: int) -> dict:
    return {"id": f"s{i}", "stage": r.choice(["primary", "primary", "primary", "junior", "preschool"]),
            "grade": r.randint(1, 9), "applied": r.random() < 0.8}
