"""Benchmark smoke (not a timed test): the canonical workload (fixtures/policies/bench-canonical
.yaml) on N synthetic students, evaluated by an exact pure-Python ``decimal`` loop and by
huimin's columnar engine (``Policy.evaluate_frame`` on a pyarrow table) in the same process.

It prints both throughputs and their ratio, checks that huimin's five totals equal the exact
ones to the fen, and fails only when the ratio collapses to a tenth of the one recorded in
``benches/smoke.json`` (a 10× regression) — never on a machine merely being slower, since both
sides run on it. ``python benches/smoke.py [N]`` (default 200 000).
"""

from __future__ import annotations

import json
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

import huimin

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "fixtures" / "policies" / "bench-canonical.yaml"
AS_OF = "2024-10-01"
TAGS = ("dibao", "jiandang_lika", "disabled", "left_behind", "migrant_child", "dual_worker")
RATES = (0.03, 0.04, 0.01, 0.08, 0.12, 0.60)
CENT = Decimal("0.01")


def population(n: int) -> dict:
    """The anchors harness's shape: grade 1–9, hours 0 (10 %) or 1–66, remote 15 %, flags."""
    r = random.Random(20241001)
    cols: dict = {"grade": [], "class_hours": [], "district_remote": []}
    cols.update({t: [] for t in TAGS})
    for _ in range(n):
        cols["grade"].append(r.randint(1, 9))
        cols["class_hours"].append(0 if r.random() < 0.1 else r.randint(1, 66))
        cols["district_remote"].append(r.random() < 0.15)
        for t, p in zip(TAGS, RATES):
            cols[t].append(r.random() < p)
    return cols


def reference(cols: dict) -> dict:
    """The workload's rules, written out with exact decimals (anchors README, "The workload")."""
    totals = dict.fromkeys(("net_fee", "reduction_total", "subsidy_total", "city", "district"), Decimal(0))
    for i, hours in enumerate(cols["class_hours"]):
        gross = min(Decimal("3.00") * hours, Decimal("170.00"))
        waived = cols["dibao"][i] or cols["jiandang_lika"][i]
        reduction = gross if waived else Decimal(0)
        subsidy = Decimal(0)
        if hours > 0:
            subsidy = Decimal(500) / 10
            if cols["district_remote"][i]:
                subsidy = subsidy * 120 / 100
        city = (subsidy * Decimal("0.6")).quantize(CENT, ROUND_HALF_UP)
        totals["net_fee"] += gross - reduction
        totals["reduction_total"] += reduction
        totals["subsidy_total"] += subsidy
        totals["city"] += city
        totals["district"] += subsidy - city
    return {k: v.quantize(CENT) for k, v in totals.items()}


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    cols = population(n)
    table = pa.table(cols)
    policy = huimin.Policy.load(PACK)

    t = time.perf_counter()
    want = reference(cols)
    ref_s = time.perf_counter() - t

    policy.evaluate_frame(table.slice(0, 1000), AS_OF)  # warm-up
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        out = policy.evaluate_frame(table, AS_OF)
        best = min(best, time.perf_counter() - t)
    names = {"net_fee": "net_fee", "reduction_total": "reduction_total", "subsidy_total": "subsidy_total",
             "city": "payer_city", "district": "payer_district"}
    got = {k: pc.sum(out[c]).as_py().quantize(CENT) for k, c in names.items()}
    evaluated = out["error"].null_count
    ratio = (n / best) / (n / ref_s)
    recorded = json.loads((Path(__file__).parent / "smoke.json").read_text())
    floor = recorded["ratio"] / 10
    print(f"bench smoke, {n} students of bench-canonical:")
    print(f"  exact Python decimal loop: {n / ref_s:,.0f} students/s ({ref_s:.3f} s)")
    print(f"  huimin evaluate_frame (pyarrow, all cores, best of 3): {n / best:,.0f} students/s ({best:.4f} s)")
    print(f"  ratio {ratio:.1f}× (recorded {recorded['ratio']}× on {recorded['measured']}; fails below {floor:.1f}×)")
    ok = True
    if got != want:
        print(f"  FAIL: totals differ from the exact ones: {got} != {want}")
        ok = False
    if evaluated != n:
        print(f"  FAIL: {n - evaluated} rows in error")
        ok = False
    if ratio < floor:
        print(f"  FAIL: the ratio collapsed to {ratio:.1f}× (below {floor:.1f}×)")
        ok = False
    print("  totals exact: " + ", ".join(f"{k} {v}" for k, v in got.items()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
