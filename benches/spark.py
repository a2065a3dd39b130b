"""huimin on Spark (issue 21): 1 000 000 synthetic Wanzhou pupils with a district, evaluated and
totalled by district with a reform, locally (one process, all cores) and on a real Spark
local[2] through huimin.spark, medians of 3 warm runs each. Spark's evaluation is written to
Spark's `noop` sink (every row computed, nothing collected); the totals are checked equal to
the fen. Needs the extension built into .venv (scripts/test-python.sh) and Java 17+
(scripts/setup-java.sh). Run: .venv/bin/python benches/spark.py [ROWS]"""

from __future__ import annotations

import os
import statistics
import sys
import time
from decimal import Decimal
from typing import Any, Callable, List

import pyarrow as pa

import huimin
import huimin.spark

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
AS_OF = "2021-03-01"


def median(f: Callable[[], Any], runs: int = 3) -> float:
    f()  # warm: Spark's workers start, the policy is compiled once per worker
    times: List[float] = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    policy = huimin.Policy.load("fixtures/policies/chongqing-wanzhou-2020.yaml")
    reform = policy.with_parameters({"monthly_cap": 150})
    people = policy.synthetic(N, seed=5)
    people = people.append_column("district", pa.array([f"区{i % 13:02d}" for i in range(N)]))
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(people).repartition(2).cache()
    df.count()

    local_eval = median(lambda: policy.evaluate_frame(people, AS_OF, keep=["district"]))
    spark_eval = median(
        lambda: huimin.spark.evaluate(df, policy, AS_OF, keep=["district"]).write.format("noop").mode("overwrite").save()
    )
    local = huimin.simulate(policy, people, reform=reform, by="district", as_of=AS_OF, progress=False)
    remote = huimin.spark.simulate(df, policy, reform=reform, by="district", as_of=AS_OF)
    assert remote.report["total"] == local.report["total"] and remote.report["groups"] == local.report["groups"]
    assert isinstance(local.baseline["net_fee"], Decimal)
    local_sim = median(lambda: huimin.simulate(policy, people, reform=reform, by="district", as_of=AS_OF, progress=False))
    spark_sim = median(lambda: huimin.spark.simulate(df, policy, reform=reform, by="district", as_of=AS_OF))
    for what, t in (
        ("evaluate, local (evaluate_frame, all cores)", local_eval),
        ("evaluate, Spark local[2] (huimin.spark.evaluate → noop sink)", spark_eval),
        ("simulate + reform by district, local", local_sim),
        ("simulate + reform by district, Spark local[2]", spark_sim),
    ):
        print(f"{what}: {t:.3f} s for {N} rows ({N / t / 1e6:.2f} M rows/s)")
    print(f"totals equal to the fen: net fee today {local.baseline['net_fee']}, reform {local.reform['net_fee'] if local.reform else None}")
    spark.stop()


if __name__ == "__main__":
    main()
