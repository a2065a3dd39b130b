#!/usr/bin/env python3
"""Fractional-money workload: exact decimal vs binary floats vs huimin.

The policy is the pack fixtures/policies/bench-fractional.yaml: fee 3.5 yuan per class-hour
(uncapped), fee waived for dibao or jiandang_lika; for a participating student (hours > 0) a
subsidy of 41.67 + 0.35 x hours, x 1.125 in a remote district, rounded half up to the fen;
city share = 6/10 of it rounded half up (= the largest-remainder split 6 : 4), district = the rest.

On the anchors population (pop_<N>.u8 in $ANCHORS_DATA, default /tmp/anchors-data) it computes:
  exact   Python decimal.Decimal, ROUND_HALF_UP (the reference);
  float64 the same formulas on numpy float64 arrays, numpy.round (what an array engine writes);
  float32 the same on float32 arrays (OpenFisca's storage type for `value_type = float`),
          totals with array.sum() (float32 accumulation, as OpenFisca's) and in float64;
  huimin  target/release/huimin-anchors --pack bench-fractional.yaml (exact; writes the double
          nearest each amount and exact decimal totals);
and prints, per output, the rows whose value rounds to another fen than the exact amount
(rint(value x 100) != exact fen) and each total minus the exact total.

Usage: fractional.py [N] [--huimin BIN] [--keep DIR]      (N: 10k, 100k, 1m or a number; default 1m)
Run with a python that has numpy, e.g. /tmp/anchors-venv/bin/python (made by run_all.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "fixtures" / "policies" / "bench-fractional.yaml"
DATA = Path(os.environ.get("ANCHORS_DATA", "/tmp/anchors-data"))
COLUMNS = ["grade", "dibao", "jiandang_lika", "disabled", "left_behind", "migrant_child",
           "dual_worker", "class_hours_attended", "district_remote", "_pad"]
MONEY = ["fee_due", "reduction", "subsidy", "city_share", "district_share"]
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

RATE = Decimal("3.5")
MONTHLY = Decimal("41.67")
PER_HOUR = Decimal("0.35")
UPLIFT_PCT = Decimal("12.5")
CITY = Decimal(6) / Decimal(10)
CENT = Decimal("0.01")


def load(n: int) -> dict[str, np.ndarray]:
    raw = np.fromfile(DATA / f"pop_{n}.u8", dtype=np.uint8)
    if raw.size != n * len(COLUMNS):
        sys.exit(f"{DATA}/pop_{n}.u8: {raw.size} bytes, expected {n * len(COLUMNS)} "
                 "(run ../shared/bench/anchors/run_all.sh or gen_population.py first)")
    raw = raw.reshape(n, len(COLUMNS))
    return {c: np.ascontiguousarray(raw[:, j]) for j, c in enumerate(COLUMNS) if c != "_pad"}


def exact(cols) -> tuple[dict[str, np.ndarray], dict[str, Decimal]]:
    """Exact fen per row and exact totals, with decimal.Decimal. Every amount depends only on
    (hours, waived, remote), so each distinct combination is computed once in Decimal and the
    rows take its value; the totals are Decimal sums over the rows' values."""
    hours = cols["class_hours_attended"].astype(np.int64)
    waived = (cols["dibao"] | cols["jiandang_lika"]).astype(np.int64)
    remote = cols["district_remote"].astype(np.int64)
    table = {k: np.zeros((67, 2, 2), dtype=np.int64) for k in MONEY}
    for h in range(67):
        for w in (0, 1):
            for r in (0, 1):
                gross = (RATE * h).quantize(CENT, ROUND_HALF_UP)
                fee_due = Decimal(0) if w else gross
                if h > 0:
                    s = MONTHLY + (PER_HOUR * h).quantize(CENT, ROUND_HALF_UP)
                    if r:
                        s = s * (100 + UPLIFT_PCT) / 100
                    s = s.quantize(CENT, ROUND_HALF_UP)
                else:
                    s = Decimal(0)
                city = (s * CITY).quantize(CENT, ROUND_HALF_UP)
                vals = {"fee_due": fee_due, "reduction": gross - fee_due, "subsidy": s,
                        "city_share": city, "district_share": s - city}
                for k, v in vals.items():
                    table[k][h, w, r] = int(v * 100)
    fen = {k: table[k][hours, waived, remote] for k in MONEY}
    totals = {}
    for k in MONEY:
        # each distinct fen value times the number of rows holding it, summed in Decimal
        vals, counts = np.unique(fen[k], return_counts=True)
        total = sum((Decimal(int(v)) * int(c) for v, c in zip(vals, counts)), Decimal(0))
        totals[k] = (total / 100).quantize(CENT)
    return fen, totals


def floats(cols, dtype, half_up: bool = False) -> dict[str, np.ndarray]:
    """The policy as an array engine on binary floats writes it (numpy.round = half even on the
    binary value, or with half_up floor(x * 100 + 0.5) / 100, the usual hand-written 四舍五入;
    every intermediate stored in `dtype`, as OpenFisca stores each variable)."""
    f = lambda x: np.asarray(x, dtype=dtype)  # noqa: E731
    if half_up:
        rnd = lambda x, _places: np.floor(x * f(100) + f(0.5)) / f(100)  # noqa: E731
    else:
        rnd = np.round
    hours = f(cols["class_hours_attended"])
    waived = cols["dibao"].astype(bool) | cols["jiandang_lika"].astype(bool)
    remote = cols["district_remote"].astype(bool)
    gross = f(hours * f(3.5))
    fee_due = f(np.where(waived, f(0), gross))
    reduction = f(gross - fee_due)
    base = f(np.where(hours > 0, f(41.67) + f(0.35) * hours, f(0)))
    subsidy = f(rnd(f(np.where(remote, base * f(1.125), base)), 2))
    city = f(rnd(f(subsidy * f(0.6)), 2))
    district = f(subsidy - city)
    return {"fee_due": fee_due, "reduction": reduction, "subsidy": subsidy,
            "city_share": city, "district_share": district}


def dec(x) -> Decimal:
    return Decimal(float(x))  # the exact binary value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", default="1m")
    ap.add_argument("--huimin", default=None, help="huimin-anchors binary")
    ap.add_argument("--keep", default=None, help="keep huimin's outputs in this folder")
    args = ap.parse_args()
    n = SIZES.get(args.n.lower()) or int(args.n)
    cols = load(n)

    t = time.perf_counter()
    want, want_tot = exact(cols)
    t_exact = time.perf_counter() - t

    rows = []  # (label, per-output mismatches, per-output total diffs, wall s)
    for label, dtype, half_up in (
        ("float64 (numpy, numpy.round)", np.float64, False),
        ("float64 (numpy, floor(x·100+0.5)/100)", np.float64, True),
        ("float32 (numpy, OpenFisca storage, numpy.round)", np.float32, False),
    ):
        t = time.perf_counter()
        out = floats(cols, dtype, half_up)
        wall = time.perf_counter() - t
        mism = {k: int(np.count_nonzero(np.rint(out[k].astype(np.float64) * 100).astype(np.int64) != want[k]))
                for k in MONEY}
        tot = {k: dec(out[k].sum()) for k in MONEY}                       # own-dtype accumulation
        rows.append((label + (", sum() in float32" if dtype == np.float32 else ""), mism,
                     {k: tot[k] - want_tot[k] for k in MONEY}, wall))
        if dtype == np.float32:
            tot64 = {k: dec(out[k].sum(dtype=np.float64)) for k in MONEY}
            rows.append((label + ", sum() in float64", mism,
                         {k: tot64[k] - want_tot[k] for k in MONEY}, wall))

    binary = args.huimin or next(
        (str(p) for p in [REPO / "target" / "release" / "huimin-anchors"] if p.exists()), None)
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "huimin-benches",
                        "--bin", "huimin-anchors"], cwd=REPO, check=True)
        binary = str(REPO / "target" / "release" / "huimin-anchors")
    with tempfile.TemporaryDirectory() as tmp:
        outdir = Path(args.keep or tmp)
        subprocess.run([binary, str(n), "--out", str(outdir), "--pack", str(PACK)],
                       check=True, env={**os.environ, "ANCHORS_DATA": str(DATA)},
                       stderr=subprocess.DEVNULL)
        res = json.loads((outdir / "result.json").read_text())
        mism = {}
        for k in MONEY:
            got = np.fromfile(outdir / f"{k}.f64", dtype="<f8")
            mism[k] = int(np.count_nonzero(np.rint(got * 100).astype(np.int64) != want[k]))
        rows.append((f"huimin ({res['variant']}, scalar rows {res['scalar_rows']})", mism,
                     {k: Decimal(res["totals"][k]) - want_tot[k] for k in MONEY}, res["wall_s"]))

    print(f"## Fractional-money workload, N = {n:,} (pack bench-fractional)\n")
    print(f"population: {DATA}/pop_{n}.u8; python {platform.python_version()}, numpy {np.__version__}\n")
    print("Exact totals (Python decimal, ROUND_HALF_UP): " +
          ", ".join(f"{k} {want_tot[k]}" for k in MONEY) + f" (computed in {t_exact:.2f} s)\n")
    print("Rows whose value rounds to another fen than the exact amount, per output:\n")
    print("| implementation | " + " | ".join(MONEY) + " | all outputs | wall s |")
    print("|---|" + "---:|" * (len(MONEY) + 2))
    for label, m, _, wall in rows:
        print(f"| {label} | " + " | ".join(f"{m[k]:,}" for k in MONEY) +
              f" | {sum(m.values()):,} | {wall:.3f} |")
    print("\nTotal − exact total, yuan:\n")
    print("| implementation | " + " | ".join(MONEY) + " | max abs |")
    print("|---|" + "---:|" * (len(MONEY) + 1))
    for label, _, d, _ in rows:
        fmt = lambda x: "0" if x == 0 else (f"{x:+.2f}" if abs(x) >= Decimal("0.01") else f"{float(x):+.2e}")  # noqa: E731
        print(f"| {label} | " + " | ".join(fmt(d[k]) for k in MONEY) +
              f" | {fmt(max(abs(v) for v in d.values()))} |")


if __name__ == "__main__":
    main()
