"""Population runs from Python (issue 17's targets): 1 000 000 synthetic Wanzhou rows, one
`evaluate_frame` against `simulate` with a reform (baseline and reform in one pass), each in a
fresh process; memory is the resident set's growth during the call (sampled every 2 ms). Run by benches/population.sh; prints one line
per measurement. The rows are written to target/bench-data/ once and
read whole by each child. Needs the extension built into .venv (scripts/test-python.sh does it)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PACK = "fixtures/policies/chongqing-wanzhou-2020.yaml"
CHILD = r"""
import json, os, sys, threading, time
import huimin
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page
import pyarrow.parquet as pq
policy = huimin.Policy.load(sys.argv[1])
people = pq.read_table(sys.argv[2])
input_bytes = people.nbytes
before = rss()
peak = [before]
done = threading.Event()
def watch():
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.002)
w = threading.Thread(target=watch)
w.start()
t = time.perf_counter()
if sys.argv[3] == "evaluate_frame":
    out = policy.evaluate_frame(people, as_of="2021-03-01")
else:
    reform = policy.with_parameters({"monthly_cap": 150})
    s = huimin.simulate(policy, people, reform=reform, as_of="2021-03-01", progress=False)
secs = time.perf_counter() - t
done.set()
w.join()
print(json.dumps({"secs": secs, "input_mb": input_bytes / 2**20, "peak_growth_mb": (peak[0] - before) / 2**20}))
"""


def run(what: str, data: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, PACK, data, what], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def population() -> str:
    """The synthetic rows as a Parquet file (made once), read whole by each child."""
    import os

    import pyarrow.parquet as pq

    import huimin

    path = f"target/bench-data/wanzhou-{N}.parquet"
    if not os.path.exists(path):
        os.makedirs("target/bench-data", exist_ok=True)
        pq.write_table(huimin.synthetic(huimin.Policy.load(PACK), N, seed=1), path)
    return path


data = population()
for what in ("evaluate_frame", "simulate+reform"):
    best = min((run(what, data) for _ in range(3)), key=lambda r: r["secs"])
    print(f"{what:>16}: {N} rows in {best['secs']:.3f} s (best of 3); input columns {best['input_mb']:.0f} MB, peak memory growth {best['peak_growth_mb']:.0f} MB")
