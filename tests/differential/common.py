"""What the differential references share: rounding to the fen, the outcome shape, and the
generators' helpers. A reference (programs/<pack>.py) is written from the source rules
(shared/domain/RULES.md, the clauses each pack quotes, the values the packs state) in pure
Python `decimal`; it does not read the packs or call huimin.
"""

import random
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(x: Decimal) -> Decimal:
    """Rounds to the fen, half up (四舍五入)."""
    return Decimal(x).quantize(FEN, rounding=ROUND_HALF_UP)


def outcome(eligible, gross=ZERO, reduction=ZERO, subsidy=ZERO, payers=None, groups=()):
    """The fields huimin's CSV output has: eligible, priority_groups, gross_fee,
    reduction_total, net_fee, subsidy_total and what each payer pays, at 2 places."""
    return {
        "eligible": eligible,
        "priority_groups": list(groups) if eligible else [],
        "gross_fee": gross if eligible else ZERO,
        "reduction_total": reduction if eligible else ZERO,
        "net_fee": (gross - reduction) if eligible else ZERO,
        "subsidy_total": subsidy if eligible else ZERO,
        "payers": {k: (v if eligible else ZERO) for k, v in (payers or {}).items()},
    }


def unmet_by_school_pupil(p: dict, stages, rule: str):
    """The requirements of a school plan whose pupils' parents applied: the stage (its rule id
    `rule`) and the application, in the pack's order — the reasons huimin gives."""
    unmet = []
    if p["stage"] not in stages:
        unmet.append(rule)
    if not p["applied"]:
        unmet.append("applied")
    return unmet


def flat_fee(unmet, fee: Decimal, groups=()):
    """One locally set fee, paid by the parents, when no requirement is unmet; the unmet ones
    as the row's `reasons`."""
    o = outcome(not unmet, fee, ZERO, ZERO, {"parents": fee}, groups)
    o["extra"] = {"reasons": ";".join(unmet)}
    return o


def decimal_text(r: random.Random, hi: int, places: int) -> str:
    """A decimal in [0, hi] with up to `places` decimals, as text (read exactly by both)."""
    p = r.randint(0, places)
    units = r.randint(0, hi * 10**p)
    return str(Decimal(units).scaleb(-p))


def tags(r: random.Random, names, rate=0.3):
    return [t for t in names if r.random() < rate]


def maybe(r: random.Random, p: dict, key: str, value, omit=0.2):
    if r.random() >= omit:
        p[key] = value
