"""An independent reference for four seed programs, written from the source rules
(shared/domain/RULES.md, the clauses each pack quotes, and the parameter values the packs
state), in pure Python `decimal`. It does not read the packs or call huimin.

Each function takes a participant (a dict as in the JSON input) and the evaluation date, and
returns the fields huimin's CSV output has: eligible, priority_groups, gross_fee,
reduction_total, net_fee, subsidy_total and what each payer pays, as Decimals at 2 places.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(x: Decimal) -> Decimal:
    """Rounds to the fen, half up (四舍五入), as every one of these packs rounds."""
    return Decimal(x).quantize(FEN, rounding=ROUND_HALF_UP)


def outcome(eligible, gross=ZERO, reduction=ZERO, subsidy=ZERO, payers=None, groups=()):
    return {
        "eligible": eligible,
        "priority_groups": list(groups) if eligible else [],
        "gross_fee": gross if eligible else ZERO,
        "reduction_total": reduction if eligible else ZERO,
        "net_fee": (gross - reduction) if eligible else ZERO,
        "subsidy_total": subsidy if eligible else ZERO,
        "payers": {k: (v if eligible else ZERO) for k, v in (payers or {}).items()},
    }


def wanzhou(p: dict, as_of: date) -> dict:
    """Chongqing Wanzhou 2020 (篇九): 3.00 yuan per student per class-hour, at most 170 a
    month; 建档立卡 and 低保 students' fees waived; enrolled primary and junior students;
    priority to dual-worker, disabled, left-behind, migrant, 建档立卡, 低保 and lower/middle
    grades (the pack takes grades 1–4 as lower/middle: its assumed `lower_grade_max`)."""
    tags = set(p.get("tags", []))
    eligible = p["stage"] in ("primary", "junior")
    fee = yuan(min(Decimal("3.00") * Decimal(str(p["class_hours"])), Decimal(170)))
    waived = bool(tags & {"jianka", "dibao"})
    reduction = fee if waived else ZERO
    groups = [g for g in ("dual_worker", "disabled", "left_behind", "migrant", "jianka", "dibao") if g in tags]
    if p["stage"] == "primary" and int(p["grade"]) <= 4:
        groups.append("lower_grades")
    return outcome(eligible, fee, reduction, ZERO, {"parents": fee - reduction}, groups)


def jilin(p: dict, as_of: date) -> dict:
    """Jilin district 2020 (篇四 4th part, 篇二十): urban primary schools; 80 yuan per student
    per month, charged monthly (none in a vacation month, when there is no care); 建档立卡 and
    other certified poor pupils pay half each month."""
    tags = set(p.get("tags", []))
    eligible = p["stage"] == "primary" and p.get("urban_school", True)
    fee = ZERO if p.get("vacation_month", False) else Decimal("80.00")
    reduction = yuan(fee * Decimal(50) / Decimal(100)) if tags & {"jianka", "poor_family"} else ZERO
    return outcome(eligible, fee, reduction, ZERO, {"parents": fee - reduction})


def nanjing(p: dict, as_of: date) -> dict:
    """Nanjing 2021 (篇二十 last part): 300 yuan per student per semester, none at private
    schools; 建档立卡, 低保 and other difficult families exempted (the source says 减免; the
    pack assumes in full); the district funds at least 500 yuan per participating student a
    year, booked per semester (two a school year)."""
    tags = set(p.get("tags", []))
    eligible = p["stage"] in ("primary", "junior")
    fee = ZERO if p.get("private_school", False) else Decimal("300.00")
    reduction = fee if tags & {"jianka", "dibao", "hardship"} else ZERO
    standard = Decimal(str(p.get("district_annual_standard", "500")))
    fund = yuan(max(standard / 2, Decimal(500) / 2))
    return outcome(eligible, fee, reduction, fund, {"district": fund, "parents": fee - reduction})


def shenzhen(p: dict, as_of: date) -> dict:
    """Shenzhen home care (篇十七): Shenzhen hukou, aged 60 or over; 低保 and unable to care
    for oneself 500 a month; unable to care for oneself, not 低保, 300; 三无, 低保 or key
    special-care elderly 300; the highest only, never added (就高不就低，不重复计算); the
    person pays the service cost above the subsidy. The old 80+ voucher (200 a month) runs
    until three months after issue (the pack assumes issue on 2009-01-01, so until
    2009-03-31), only where the district extends it."""
    tags = set(p.get("tags", []))
    age = int(p["age"])
    care = p["care_dependent"]
    extends = p.get("district_extends_80_voucher", False)
    voucher80 = Decimal(200) if as_of < date(2009, 4, 1) else Decimal(0)
    tiers = []
    if "dibao" in tags and care:
        tiers.append(Decimal(500))
    if care and "dibao" not in tags:
        tiers.append(Decimal(300))
    if tags & {"sanwu", "dibao", "youfu"}:
        tiers.append(Decimal(300))
    if age >= 80 and extends and voucher80 > 0:
        tiers.append(voucher80)
    eligible = p["local_hukou"] and age >= 60 and bool(tiers)
    subsidy = yuan(max(tiers, default=ZERO))
    cost = Decimal(str(p.get("service_cost", "0")))
    fee = yuan(max(cost - subsidy, Decimal(0)))
    return outcome(eligible, fee, ZERO, subsidy, {"lottery_fund": subsidy, "person": fee})


PROGRAMS = {
    "chongqing-wanzhou-2020": wanzhou,
    "jilin-district-2020": jilin,
    "nanjing-2021": nanjing,
    "shenzhen-homecare": shenzhen,
}
