"""Differential test: random participants through huimin's CLI and through the independent
reference of its pack (programs/<pack>.py, built on common.py); every output field must
agree to the fen. Every seed pack must have a reference: a pack without one fails the run.

    python tests/differential/run.py --n 20000            # per pack (the test command)
    python tests/differential/run.py --n 1000000 --seed 7 # the long run

Needs the release CLI (`cargo build --release -p huimin-cli`); `--huimin` names another
binary. Participants are drawn from a seeded generator that favours the edges (caps, floors,
half-fen roundings, age and date thresholds, missing fields that take their defaults).
"""

import argparse
import csv
import importlib.util
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

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 100_000
# Benchmark workloads, not seed programs: no reference needed.
NOT_SEEDS = {"bench-canonical", "bench-fractional"}


def programs(extra: list) -> dict:
    """Every reference module in programs/ (and in the `extra` folders), by pack id: PACK,
    DATES, reference, generate."""
    found = {}
    sys.path.insert(0, str(Path(__file__).parent))
    folders = [Path(__file__).parent / "programs", *extra]
    for path in sorted(p for folder in folders for p in folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"programs.{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        found[mod.PACK] = mod
    return found


def run_huimin(binary: Path, pack: str, people: list, as_of: date, fmt: str = "csv") -> list:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for p in people:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
        path = f.name
    # A pack that leaves numbers to an authority runs with its example values file.
    values = ROOT / "fixtures/values" / f"{pack}.example.yaml"
    extra = ["--values", str(values)] if values.exists() else []
    try:
        out = subprocess.run(
            [str(binary), "eval", str(ROOT / "fixtures/policies" / f"{pack}.yaml"), path,
             "--as-of", as_of.isoformat(), "--format", fmt, *extra],
            capture_output=True, text=True, check=False)
    finally:
        Path(path).unlink()
    if out.returncode not in (0, 1):
        sys.exit(f"huimin failed ({out.returncode}): {out.stderr[:2000]}")
    if fmt == "json":
        return json.loads(out.stdout)
    return list(csv.DictReader(io.StringIO(out.stdout)))


def compare(mod, p: dict, row: dict, as_of: date) -> list:
    want = mod.reference(p, as_of)
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
    # Other output columns a reference states exactly (e.g. the category), as text.
    for column, text in want.get("extra", {}).items():
        if row.get(column) != text:
            diffs.append(f"{column} {row.get(column)!r} != {text!r}")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000, help="participants per pack")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--huimin", type=Path, default=ROOT / "target/release/huimin")
    ap.add_argument("--packs", nargs="*", help="pack ids (default: every reference)")
    ap.add_argument("--programs", type=Path, action="append", default=[],
                    help="another folder of reference modules (while writing one)")
    args = ap.parse_args()
    refs = programs(args.programs)
    seeds = {p.stem for p in (ROOT / "fixtures/policies").glob("*.yaml")} - NOT_SEEDS
    missing = sorted(seeds - set(refs))
    if missing and not args.packs:
        print(f"no differential reference for seed pack(s): {', '.join(missing)} "
              "(add tests/differential/programs/<pack>.py)")
        return 1
    failed = 0
    for pack in args.packs or list(refs):
        mod = refs[pack]
        r = random.Random(f"{args.seed}:{pack}")
        started, done, mismatches = time.time(), 0, 0
        while done < args.n:
            as_of = r.choice(mod.DATES)
            people = [mod.generate(r, done + k) for k in range(min(CHUNK, args.n - done))]
            rows = run_huimin(args.huimin, pack, people, as_of)
            # Counted entitlements are not in the flat row: a reference that states them is
            # compared with the JSON decisions too.
            decisions = run_huimin(args.huimin, pack, people, as_of, "json") \
                if getattr(mod, "ENTITLEMENTS", False) else [{}] * len(people)
            if len(rows) != len(people) or len(decisions) != len(people):
                sys.exit(f"{pack}: {len(rows)} rows for {len(people)} participants")
            for p, row, decision in zip(people, rows, decisions):
                diffs = compare(mod, p, row, as_of)
                if getattr(mod, "ENTITLEMENTS", False):
                    got = [(e["rule"], e["count"], e["at_least"]) for e in decision.get("entitlements", [])]
                    want = mod.reference(p, as_of)["entitlements"]
                    if got != want:
                        diffs.append(f"entitlements {got} != {want}")
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
