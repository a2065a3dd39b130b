"""huimin (惠民): an exact, explainable rules engine for subsidised public-service programs.

Load a policy pack, evaluate participants one at a time (a :class:`Decision` with money as
``decimal.Decimal`` and the explanation steps with their citations) or a whole frame at once
(pandas, polars or pyarrow in, the same kind of frame out, evaluated in Rust on all cores),
and total a population's budget under a policy and a reform::

    import huimin
    policy = huimin.Policy.load("fixtures/policies/chongqing-wanzhou-2020.yaml")
    d = policy.evaluate({"stage": "primary", "grade": 3, "class_hours": 60}, as_of="2021-03-01")
    d.net_fee            # Decimal('170.00')
    print(d.explain())

    people = huimin.synthetic(policy, 10_000, seed=1)
    out = policy.evaluate_frame(people.to_pandas(), as_of="2021-03-01")
    summary = huimin.simulate(policy, people, reform=other, as_of="2021-03-01")
    huimin.plot.budget(summary)

    registry = huimin.Registry.load("fixtures/policies", values="fixtures/values")
    huimin.screen({"members": [{"stage": "primary", "grade": 3, "tags": ["dibao"]}]}, "2022-09-01", registry)

A registry in Spark or Ray is evaluated and totalled where it lives, to the fen as locally
(``huimin.spark.evaluate(df, policy, as_of)``, ``huimin.spark.simulate(df, policy, …)``,
``huimin.ray.evaluate(ds, policy, as_of)``): a policy pickles as its canonical text and
``policy.fingerprint`` names its rules; every decision's receipt (``pack``, ``fingerprint``,
``engine``, ``as_of``) reproduces it.

The binding is a thin layer: every rule is decided by huimin-core (Rust).
"""

from __future__ import annotations

from . import _core, plot
from ._decision import Decision
from ._errors import EvalError, HuiminError, InputError, InternalError, PackError, UnusedWarning
from ._policy import Policy, PolicyDiff
from ._registry import Registry, screen
from ._simulate import BudgetSummary, simulate, synthetic

__version__: str = _core.version()

__all__ = [
    "Policy",
    "PolicyDiff",
    "Registry",
    "screen",
    "Decision",
    "BudgetSummary",
    "simulate",
    "synthetic",
    "plot",
    "HuiminError",
    "PackError",
    "InputError",
    "EvalError",
    "InternalError",
    "UnusedWarning",
    "__version__",
]
