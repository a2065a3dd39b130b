"""Differential test: random participants through huimin's CLI and through the independent
reference (reference.py); every output field must agree to the fen.

    python tests/differential/run.py --n 20000            # per pack (the test command)
    python tests/differential/run.py --n 1000000 --seed 7 # the long run

Needs the release CLI (`cargo build --release -p huimin-cli`); `--huimin` names another
binary. Participants are drawn from a seeded generator that favours the edges (caps, floors,
half-fen roundings, age and date thresholds, missing fields that take their defaults).
"""

import argparse
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from reference import PROGRAMS

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 100_000

# Evaluation dates per pack: the start, inside, and either side of any change of value.
DATES = {
    "chongqing-wanzhou-2020": [date(2020, 9, 1), date(2021, 3, 1), date(2026, 1, 31)],
    "jilin-district-2020": [date(2020, 9, 1), date(2021, 11, 30)],
    "nanjing-2021": [date(2021, 9, 1), date(2022, 2, 15), date(2030, 6, 30)],
    "shenzhen-homecare": [date(2009, 1, 1), date(2009, 3, 31), date(2009, 4, 1), date(2015, 6, 1)],
}


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


def gen_wanzhou(r: random.Random, i: int) -> dict:
    hours = r.choice([
        lambda: str(r.randint(0, 80)),
        lambda: decimal_text(r, 80, 3),
        lambda: r.choice(["56.666", "56.667", "56.6666", "56.67", "0", "10000", "0.001", "0.005"]),
        lambda: decimal_text(r, 10000, 2),
    ])()
    p = {"id": f"w{i}", "stage": r.choice(["preschool", "primary", "primary", "junior", "senior"]),
         "grade": r.randint(1, 12), "class_hours": hours if r.random() < 0.5 else json.loads(hours)}
    p["tags"] = tags(r, ["dibao", "jianka", "dual_worker", "disabled", "left_behind", "migrant"], 0.15)
    return p


def gen_jilin(r: random.Random, i: int) -> dict:
    p = {"id": f"j{i}", "stage": r.choice(["preschool", "primary", "primary", "junior", "senior"])}
    maybe(r, p, "urban_school", r.random() < 0.8, 0.4)
    maybe(r, p, "vacation_month", r.random() < 0.2, 0.4)
    p["tags"] = tags(r, ["jianka", "poor_family"], 0.25)
    return p


def gen_nanjing(r: random.Random, i: int) -> dict:
    p = {"id": f"n{i}", "stage": r.choice(["preschool", "primary", "junior", "junior", "senior"])}
    maybe(r, p, "private_school", r.random() < 0.2, 0.4)
    std = r.choice([
        lambda: decimal_text(r, 2000, 4),
        lambda: str(r.choice([0, 499, 500, 501, 777, 1000])),
        lambda: r.choice(["500.01", "499.99", "777.77", "333.335", "1000.005", "0.0001"]),
    ])()
    maybe(r, p, "district_annual_standard", std, 0.3)
    p["tags"] = tags(r, ["jianka", "dibao", "hardship"], 0.15)
    return p


def gen_shenzhen(r: random.Random, i: int) -> dict:
    age = r.choice([lambda: r.randint(0, 150), lambda: r.choice([59, 60, 61, 79, 80, 81, 100])])()
    p = {"id": f"s{i}", "age": age, "local_hukou": r.random() < 0.85, "care_dependent": r.random() < 0.4}
    maybe(r, p, "service_cost", r.choice([
        lambda: decimal_text(r, 2000, 3),
        lambda: str(r.choice([0, 200, 299.99, 300, 300.01, 500, 500.005, 499.995])),
    ])(), 0.2)
    maybe(r, p, "district_extends_80_voucher", r.random() < 0.5, 0.4)
    p["tags"] = tags(r, ["dibao", "sanwu", "youfu"], 0.2)
    return p


GENERATORS = {
    "chongqing-wanzhou-2020": gen_wanzhou,
    "jilin-district-2020": gen_jilin,
    "nanjing-2021": gen_nanjing,
    "shenzhen-homecare": gen_shenzhen,
}


def run_huimin(binary: Path, pack: str, people: list, as_of: date) -> list:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for p in people:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
        path = f.name
    try:
        out = subprocess.run(
            [str(binary), "eval", str(ROOT / "fixtures/policies" / f"{pack}.yaml"), path,
             "--as-of", as_of.isoformat(), "--format", "csv"],
            capture_output=True, text=True, check=False)
    finally:
        Path(path).unlink()
    if out.returncode not in (0, 1):
        sys.exit(f"huimin failed ({out.returncode}): {out.stderr[:2000]}")
    return list(csv.DictReader(io.StringIO(out.stdout)))


def compare(pack: str, p: dict, row: dict, as_of: date) -> list:
    want = PROGRAMS[pack](p, as_of)
    diffs = []
    if row.get("error"):
        return [f"huimin error: {row['error']}"]
    if row["id"] != p["id"]:
        diffs.append(f"id {row['id']} != {p['id']}")
    if (row["eligible"] == "true") != bool(want["eligible"]):
        diffs.append(f"eligible {row['eligible']} != {want['eligible']}")
    groups = [g for g in row["priority_groups"].split(";") if g]
    if groups != want["priority_groups"]:
        diffs.append(f"priority_groups {groups} != {want['priority_groups']}")
    for k in ("gross_fee", "reduction_total", "net_fee", "subsidy_total"):
        if Decimal(row[k]) != want[k] or row[k] != f"{want[k]:.2f}":
            diffs.append(f"{k} {row[k]} != {want[k]:.2f}")
    for payer, amount in want["payers"].items():
        got = row.get(f"payer_{payer}")
        if got != f"{amount:.2f}":
            diffs.append(f"payer_{payer} {got} != {amount:.2f}")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000, help="participants per pack")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--huimin", type=Path, default=ROOT / "target/release/huimin")
    ap.add_argument("--packs", nargs="*", default=list(PROGRAMS))
    args = ap.parse_args()
    failed = 0
    for pack in args.packs:
        r = random.Random(f"{args.seed}:{pack}")
        started, done, mismatches = time.time(), 0, 0
        while done < args.n:
            as_of = r.choice(DATES[pack])
            people = [GENERATORS[pack](r, done + k) for k in range(min(CHUNK, args.n - done))]
            rows = run_huimin(args.huimin, pack, people, as_of)
            if len(rows) != len(people):
                sys.exit(f"{pack}: {len(rows)} rows for {len(people)} participants")
            for p, row in zip(people, rows):
                diffs = compare(pack, p, row, as_of)
                if diffs:
                    mismatches += 1
                    if mismatches <= 10:
                        print(f"MISMATCH {pack} as of {as_of}: {json.dumps(p, ensure_ascii=False)}\n  " + "\n  ".join(diffs))
            done += len(people)
        failed += mismatches
        print(f"{pack}: {done} participants, {mismatches} mismatches, {time.time() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
