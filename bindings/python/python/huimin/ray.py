"""huimin on Ray Data: a dataset evaluated where it lives.

``map_batches`` hands each batch to the engine as Arrow (``batch_format="pyarrow"``); a
callable class receives the policy once per actor (pickled as its canonical text, compiled
once per worker process), so no batch pays for compiling. Ray is imported only here::

    import huimin, huimin.ray, ray
    ds = ray.data.read_parquet("registry/")
    out = huimin.ray.evaluate(ds, policy, as_of="2021-03-01", keep=["district"])
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from . import _frames
from ._policy import Policy, _names

__all__ = ["evaluate"]


class _Evaluate:
    """One actor's evaluator: the policy, compiled when the actor starts."""

    def __init__(self, policy: Policy, when: str, keep: Sequence[str], floats: str, extra: str, threads: Optional[int]) -> None:
        self.policy = policy
        self.args = (when, threads, floats, None, extra, list(keep))

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        when, threads, floats, progress, extra, keep = self.args
        out, _unused = self.policy._core.evaluate_arrow(batch, when, threads, floats, progress, extra, keep)
        return pa.table(out)


def evaluate(
    ds: Any,
    policy: Policy,
    as_of: _frames.DateLike,
    *,
    keep: Union[str, Sequence[str], None] = None,
    floats: _frames.Floats = "refuse",
    extra: _frames.Extra = "refuse",
    concurrency: int = 2,
    threads: Optional[int] = 1,
) -> Any:
    """Every row of the Ray dataset ``ds`` evaluated under ``policy`` as of a date: a dataset
    with the columns of :meth:`Policy.evaluate_frame` (the ``keep`` columns copied after
    ``id``), one row per input row, rows in error kept with their ``error``. Runs on
    ``concurrency`` actors, each compiling the policy once and evaluating on ``threads``
    threads. Lazy, like any Ray Data transformation."""
    kept = _names(keep)
    return ds.map_batches(
        _Evaluate,
        batch_format="pyarrow",
        fn_constructor_args=(policy, _frames.as_of_text(as_of), kept, floats, extra, threads),
        concurrency=concurrency,
    )
