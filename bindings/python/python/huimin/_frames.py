"""Frames in and out: pandas, polars and pyarrow, passed to Rust through the Arrow C data
interface (no Python object per row)."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Literal, Tuple, Union

__all__ = ["to_arrow", "from_arrow", "as_of_text", "frame_kind", "DateLike", "Floats"]

#: A date: ``datetime.date`` (or ``datetime``, pandas ``Timestamp``) or ``"YYYY-MM-DD"``.
DateLike = Union[_dt.date, str]
#: How float columns are read: ``"refuse"`` (the default) or ``"shortest"`` (each float as its
#: shortest decimal text).
Floats = Union[Literal["refuse"], Literal["shortest"]]
Extra = Union[Literal["refuse"], Literal["ignore"]]


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def frame_kind(obj: Any) -> str:
    """``"pandas"``, ``"polars"``, ``"pyarrow"`` or ``"arrow"`` (any other object exporting
    ``__arrow_c_stream__`` / ``__arrow_c_array__``)."""
    mod = _module(obj)
    if mod == "pandas" and hasattr(obj, "columns"):
        return "pandas"
    if mod == "polars":
        return "polars"
    if mod == "pyarrow":
        return "pyarrow"
    if hasattr(obj, "__arrow_c_stream__") or hasattr(obj, "__arrow_c_array__"):
        return "arrow"
    if isinstance(obj, (list, tuple)):
        return "rows"
    raise TypeError(
        f"expected a pandas DataFrame, a polars DataFrame or a pyarrow Table, got {type(obj).__module__}.{type(obj).__name__}"
    )


def to_arrow(obj: Any) -> Tuple[str, Any]:
    """The frame's kind and an object exporting the Arrow C stream interface."""
    kind = frame_kind(obj)
    if kind == "pandas":
        import pyarrow as pa

        # Not pandas' own __arrow_c_stream__: it adds a non-default index as a column.
        return kind, pa.Table.from_pandas(obj, preserve_index=False)
    if kind == "polars":
        if hasattr(obj, "collect") and not hasattr(obj, "__arrow_c_stream__"):
            obj = obj.collect()  # a LazyFrame
        return kind, obj
    if kind == "rows":
        import pyarrow as pa

        return "pyarrow", pa.Table.from_pylist([dict(r) for r in obj])
    return kind, obj


def _pandas_type(t: Any) -> Any:
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_decimal(t) or pa.types.is_list(t) or pa.types.is_large_list(t):
        return pd.ArrowDtype(t)  # exact decimals and lists stay Arrow-backed
    if pa.types.is_boolean(t):
        return pd.BooleanDtype()  # nullable: rows in error have no `eligible`
    return None


def from_arrow(table: Any, kind: str, like: Any = None) -> Any:
    """An Arrow stream as the same kind of frame as the input."""
    if kind == "polars":
        import polars as pl

        try:
            return pl.DataFrame(table)  # the Arrow PyCapsule interface, no pyarrow needed
        except TypeError:  # older polars
            import pyarrow as pa

            return pl.from_arrow(pa.table(table))
    import pyarrow as pa

    t = pa.table(table)
    if kind == "pandas":
        df = t.to_pandas(types_mapper=_pandas_type)
        if like is not None and len(like.index) == len(df.index):
            df.index = like.index
        # What the results rest on that no source states, kept with them (pyarrow keeps it
        # in the schema's metadata, under the same keys).
        meta = t.schema.metadata or {}
        if b"huimin.estimated" in meta:
            df.attrs["huimin.estimated"] = meta[b"huimin.estimated"].decode().split(",")
            df.attrs["huimin.assumptions"] = json.loads(meta[b"huimin.assumptions"])
        return df
    return t


def as_of_text(as_of: Any) -> str:
    """A date as ``YYYY-MM-DD`` from a ``datetime.date``/``datetime``/pandas ``Timestamp``/
    numpy ``datetime64`` or a string."""
    if isinstance(as_of, str):
        return as_of
    if isinstance(as_of, _dt.datetime):
        return as_of.date().isoformat()
    if isinstance(as_of, _dt.date):
        return as_of.isoformat()
    if _module(as_of) == "numpy":
        return str(as_of)[:10]
    raise TypeError(f"as_of must be a date or 'YYYY-MM-DD', got {type(as_of).__name__}")
