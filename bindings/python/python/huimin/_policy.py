"""A compiled policy pack."""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import warnings
from decimal import Decimal
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from . import _core, _frames
from ._decision import Decision
from ._errors import UnusedWarning

__all__ = ["Policy", "PolicyDiff"]

#: Policies rebuilt from a pickle in this process, by fingerprint: a worker that receives the
#: same policy with every task compiles it once. Bounded, oldest first out.
_REBUILT: "Dict[str, _core.Policy]" = {}
_REBUILT_MAX = 32


def _rebuild(fingerprint: str, canonical: str, version: str) -> "Policy":
    """A pickled policy, compiled again from its canonical text (or taken from this process's
    cache of policies already rebuilt)."""
    core = _REBUILT.get(fingerprint)
    if core is None:
        from ._errors import PackError

        try:
            core = _core.Policy.from_json(canonical, f"<policy {fingerprint[:12]} pickled by huimin {version}>")
        except PackError as e:
            if version != _core.version() and hasattr(e, "add_note"):
                e.add_note(f"pickled by huimin {version}, rebuilt by huimin {_core.version()}: use one version on every worker")
            raise
        if core.fingerprint != fingerprint:
            raise ValueError(
                f"the policy rebuilt from a pickle has fingerprint {core.fingerprint}, not {fingerprint} "
                f"(pickled by huimin {version}, rebuilt by huimin {_core.version()})"
            )
        if len(_REBUILT) >= _REBUILT_MAX:
            _REBUILT.pop(next(iter(_REBUILT)))
        _REBUILT[fingerprint] = core
    return Policy(core)

DateLike = _frames.DateLike
Floats = _frames.Floats
Extra = _frames.Extra


def _json_default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return str(o)  # read exactly by the core
    if type(o).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(o, _dt.datetime):
        return o.date().isoformat()
    if isinstance(o, _dt.date):
        return o.isoformat()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if hasattr(o, "tolist"):
        return o.tolist()  # numpy scalars and arrays
    raise TypeError(f"cannot pass a {type(o).__name__} to huimin")


def _names(cols: Union[str, Sequence[str], None]) -> List[str]:
    """One column name or several, as a list."""
    return [cols] if isinstance(cols, str) else list(cols or [])


def _participant_json(participant: Mapping[str, Any]) -> str:
    items = dict(participant.items()) if hasattr(participant, "items") else dict(participant)
    clean = {str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in items.items()}
    return json.dumps(clean, default=_json_default, ensure_ascii=False)


class PolicyDiff:
    """What one policy changes of another (:meth:`Policy.diff`): :attr:`changes` is a list of
    ``{"section", "id", "change": "added"|"removed"|"changed", "label", "fields", "before",
    "after"}``, :attr:`clauses` the text of every clause they cite; ``str()`` reads as text."""

    __slots__ = ("source", "target", "changes", "clauses", "_text")

    def __init__(self, data: Dict[str, Any], text: str) -> None:
        self.source: str = data["from"]
        self.target: str = data["to"]
        self.changes: List[Dict[str, Any]] = data["changes"]
        self.clauses: Dict[str, str] = data["clauses"]
        self._text = text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"<PolicyDiff {self.source} → {self.target}: {len(self.changes)} changes>"

    def __len__(self) -> int:
        return len(self.changes)


class Policy:
    """A compiled policy pack: compile once, evaluate many.

    Immutable and safe to share between threads; frame evaluations release the GIL and run on
    all cores. Load with :meth:`load`, :meth:`from_yaml` or :meth:`from_json`.
    """

    __slots__ = ("_core", "_info")

    def __init__(self, core: _core.Policy) -> None:
        if not isinstance(core, _core.Policy):
            raise TypeError("use Policy.load(path), Policy.from_yaml(text) or Policy.from_json(text)")
        self._core = core
        self._info: Dict[str, Any] = json.loads(core.info_json())

    # -- loading ----------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: Union[str, "os.PathLike[str]"],
        values: Optional[Union[str, "os.PathLike[str]"]] = None,
    ) -> "Policy":
        """Reads and compiles a pack file (``.json`` as JSON, anything else as YAML), with
        ``values``, the values file of its deployment, for the numbers the pack leaves to an
        authority (``set_by``). Raises :class:`huimin.PackError` with the file, line and column
        of each problem."""
        return cls(_core.Policy.load(os.fspath(path), None if values is None else os.fspath(values)))

    @classmethod
    def from_yaml(
        cls, text: str, file: str = "<input>", values: Optional[str] = None, values_file: str = "<values>"
    ) -> "Policy":
        """Compiles a YAML pack, with the text of its deployment's values file when given;
        ``file`` and ``values_file`` name them in error messages."""
        return cls(_core.Policy.from_yaml(text, file, values, values_file))

    @classmethod
    def from_json(cls, text: str, file: str = "<input>") -> "Policy":
        """Compiles a JSON pack; ``file`` names it in error messages."""
        return cls(_core.Policy.from_json(text, file))

    # -- reforms ----------------------------------------------------------------------------

    def reform(self, patch: Union[Mapping[str, Any], str, "os.PathLike[str]"], *, file: Optional[str] = None) -> "Policy":
        """The policy a reform makes of this one. ``patch`` is a reform file's content as a
        dict (``{"id", "base", "name", "parameters", "off", "rules", "labels", "sources",
        "clauses"}``), a path to a reform file, or its YAML/JSON text. ``base`` defaults to this
        policy's id. The reformed policy is compiled afresh; a problem raises
        :class:`huimin.PackError` naming the reform's file (``file``) and line."""
        if isinstance(patch, Mapping):
            d = dict(patch)
            d.setdefault("base", self.id)
            text, name = json.dumps(d, default=_json_default, ensure_ascii=False, indent=1), file or "<reform>"
        elif isinstance(patch, os.PathLike) or (isinstance(patch, str) and "\n" not in patch and os.path.isfile(patch)):
            path = os.fspath(patch)
            with open(path, encoding="utf-8") as f:
                text, name = f.read(), file or path
        elif isinstance(patch, str):
            text, name = patch, file or "<reform>"
        else:
            raise TypeError(f"a reform is a dict, a path or YAML/JSON text, not {type(patch).__name__}")
        return Policy(self._core.reformed(text, name))

    def with_parameters(
        self,
        values: Mapping[str, Any],
        *,
        id: Optional[str] = None,
        name: Optional[Mapping[str, str]] = None,
    ) -> "Policy":
        """This policy with some parameters changed: ``{"monthly_cap": 150}`` sets a value for
        every date; ``{"monthly_cap": {"2022-09-01": 150}}`` sets dated values, the base's
        giving way from the first date on. Values are exact: int, :class:`~decimal.Decimal` or
        decimal text; a float is refused (it is not the number written). The result's id is
        ``id`` or ``<this id>+what-if``."""

        def exact(k: str, v: Any) -> str:
            if isinstance(v, bool) or isinstance(v, float) or not isinstance(v, (int, Decimal, str)):
                raise TypeError(
                    f"parameter {k!r}: give an int, a Decimal or decimal text, not {type(v).__name__} "
                    f"(a float is not the number written: use Decimal({str(v)!r}))"
                )
            return str(v)

        params: Dict[str, Any] = {}
        for k, v in values.items():
            if isinstance(v, Mapping):
                params[k] = {"values": [{"from": _frames.as_of_text(d), "value": exact(k, x)} for d, x in v.items()]}
            else:
                params[k] = {"value": exact(k, v)}
        me = self.name
        return self.reform(
            {
                "id": id or f"{self.id}+what-if",
                "base": self.id,
                "name": dict(name) if name else {"zh": f"{me['zh']}（参数调整）", "en": f"{me['en']} (parameters changed)"},
                "parameters": params,
            },
            file="<with_parameters>",
        )

    def diff(self, other: "Policy") -> "PolicyDiff":
        """What ``other`` (a reform of this policy, or another version) changes of it:
        parameters, rules and settings added, removed or changed, with both values and the
        clauses they cite. ``str()`` of the result is the readable form."""
        data, text = self._core.diff(other._core)
        return PolicyDiff(json.loads(data), text)

    # -- identity ---------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return str(self._info["id"])

    @property
    def name(self) -> Dict[str, str]:
        """``{"zh": …, "en": …}``."""
        return dict(self._info["name"])

    @property
    def kind(self) -> str:
        return str(self._info["kind"])

    @property
    def jurisdiction(self) -> Dict[str, str]:
        return dict(self._info["jurisdiction"])

    @property
    def period(self) -> str:
        """What one evaluation covers: ``day week month semester year once``."""
        return str(self._info["period"])

    @property
    def rounding(self) -> Dict[str, Any]:
        """``{"scale": 2, "mode": "half_up"}``."""
        return dict(json.loads(self._core.rounding_json()))

    @property
    def valid_from(self) -> _dt.date:
        return _dt.date.fromisoformat(self._info["valid_from"])

    @property
    def valid_until(self) -> Optional[_dt.date]:
        v = self._info.get("valid_until")
        return _dt.date.fromisoformat(v) if v else None

    @property
    def payers(self) -> Dict[str, Dict[str, str]]:
        """Payer id → label ``{"zh", "en"}``, in the pack's order."""
        return {p["id"]: dict(p["label"]) for p in self._info["payers"]}

    @property
    def priority_groups(self) -> Dict[str, Dict[str, str]]:
        """Priority-group id → label, in the pack's order."""
        return {p["id"]: dict(p["label"]) for p in self._info["priority_groups"]}

    @property
    def warnings(self) -> List[Dict[str, Any]]:
        """Problems found while compiling that do not stop the pack (e.g. uncited rules)."""
        return [dict(w) for w in self._info["warnings"]]

    def input_schema(self) -> Dict[str, Any]:
        """The fields and tags a participant may have: ``{"fields": [...], "tags": [...]}``."""
        return json.loads(self._core.input_schema_json())  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"<huimin.Policy {self.id}: {self.name.get('zh', '')} / {self.name.get('en', '')}>"

    # -- identity across processes ----------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """The SHA-256 (hex) of :meth:`canonical`: the same for the same rules and values
        however they were written, different for any change — to cache, compare and reproduce
        by."""
        return self._core.fingerprint

    def canonical(self) -> str:
        """The pack this policy was compiled from, its deployment's values and its reforms
        applied, as one JSON text; :meth:`from_json` of it compiles this policy again."""
        return self._core.canonical()

    def __reduce__(self) -> Any:
        # Pickled as its canonical text, rebuilt once per process (cached by fingerprint): what
        # Spark, Ray and multiprocessing send to their workers.
        return (_rebuild, (self.fingerprint, self.canonical(), _core.version()))

    def __copy__(self) -> "Policy":
        return self  # immutable

    def __deepcopy__(self, memo: Dict[int, Any]) -> "Policy":
        return self  # immutable

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and other.fingerprint == self.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def output_schema(self, input: Any = None, *, keep: Union[str, Sequence[str], None] = None) -> Any:
        """The pyarrow Schema of :meth:`evaluate_frame`'s output for input shaped like
        ``input`` (a pyarrow Schema, or any frame :meth:`evaluate_frame` takes): ``id`` when the
        input has one, with its type; the ``keep`` columns with theirs; then the results, money
        as ``decimal128(18, scale)`` with the pack's scale. ``huimin.spark.output_schema`` gives
        it as Spark types."""
        import pyarrow as pa

        if input is None:
            schema = pa.schema([])
        elif isinstance(input, pa.Schema):
            schema = input
        else:
            schema = pa.table(_frames.to_arrow(input)[1]).schema
        return pa.schema(self._core.output_schema_arrow(schema, _names(keep)))

    # -- evaluating -------------------------------------------------------------------------

    def validate(self, participant: Mapping[str, Any]) -> List[Dict[str, Any]]:
        """Every problem with a participant's data, by field path; empty when it can be
        evaluated."""
        return json.loads(self._core.validate_json(_participant_json(participant)))  # type: ignore[no-any-return]

    def evaluate(self, participant: Mapping[str, Any], as_of: DateLike, *, explain: bool = True) -> Decision:
        """The decision for one participant (a flat mapping: ``id``, ``tags``, fields) as of a
        date. Raises :class:`huimin.InputError` for bad data and :class:`huimin.EvalError`
        when the pack cannot decide."""
        day = _frames.as_of_text(as_of)
        core = self._core.evaluate_plain(participant, day, explain)
        if core is not None:
            return Decision._of(core)
        return Decision(self._core.evaluate_json(_participant_json(participant), day, explain))

    def what_would_change(
        self,
        participant: Mapping[str, Any],
        as_of: DateLike,
        goal: str = "pay_less",
        *,
        max_changes: Optional[int] = None,
    ) -> Dict[str, Any]:
        """What would take a participant to ``goal`` (``"eligible"``, ``"pay_less"``,
        ``"receive_more"`` or ``"group:ID"``): the minimal changes of at most ``max_changes``
        inputs (default 2), each with its outcome, the rules it changes and their clauses, and
        ``says`` in zh/en. The core's JSON as plain data, amounts as exact decimal strings
        (``"168.00"``) — the same answer as Rust, WASM and ``huimin eval --what-if``. Raises
        :class:`huimin.InputError` for bad data or an unknown goal."""
        text = self._core.what_if_json(
            _participant_json(participant), _frames.as_of_text(as_of), goal, max_changes
        )
        result: Dict[str, Any] = json.loads(text)
        return result

    def evaluate_partial(
        self,
        participant: Mapping[str, Any],
        as_of: DateLike,
        unknown: Optional[Sequence[str]] = None,
    ) -> Dict[str, Any]:
        """A half-filled form: ``eligible`` (``"yes"``, ``"no"`` or ``"depends"`` on
        ``depends_on``), the least and greatest ``net_fee`` and ``subsidy_total`` over every
        value of the ``unknown`` inputs and tags (default: the required inputs not given),
        ``still_matter`` (ask them) and ``settled`` (stop asking). Plain data, amounts as exact
        decimal strings."""
        text = self._core.partial_json(
            _participant_json(participant), _frames.as_of_text(as_of), list(unknown or [])
        )
        result: Dict[str, Any] = json.loads(text)
        return result

    def evaluate_frame(
        self,
        frame: Any,
        as_of: DateLike,
        *,
        threads: Optional[int] = None,
        floats: Floats = "refuse",
        progress: Optional[Callable[[int], Any]] = None,
        extra: Extra = "refuse",
        keep: Union[str, Sequence[str], None] = None,
    ) -> Any:
        """Evaluates every row of a pandas DataFrame, polars DataFrame or pyarrow Table and
        returns the same kind of frame, one row per participant in the same order: ``id`` (when
        the input has one), ``eligible``, ``reasons`` (unmet requirement ids), ``category``,
        ``priority_groups``, ``gross_fee``, ``reduction_total``, ``net_fee``,
        ``subsidy_total``, one ``payer_<id>`` per payer (money as ``Decimal(18, scale)``) and
        ``error`` (null when the row was evaluated; bad rows are reported, never dropped). The
        ``keep`` columns (district, school…) are copied unchanged after ``id``.

        Columns are the pack's input fields (see :meth:`input_schema`), ``tags`` as a list of
        strings or one ``;``-separated string, an optional ``id``, and any column named after
        one of the pack's tags (``dibao``), read as that tag: true/false, 1/0, 是/否, yes/no (a
        row whose ``dibao`` is false while ``tags`` holds ``dibao`` is that row's error). Any
        other column is refused (:class:`huimin.InputError`, code ``unknown_column``) as
        :meth:`evaluate` refuses an unknown key, unless ``extra="ignore"`` leaves it unread —
        except the shared vocabulary: a registry name of an input (``学段``, ``年龄``) is that
        input, any status (``dibao``, ``是否低保``) is read even when the pack names it only
        through what it entails (低保 is 家庭经济困难), and a standard field the pack does not
        read is left unread with a :class:`huimin.UnusedWarning` naming it. Data passes through the Arrow C data interface and is evaluated in Rust with
        the GIL released, on ``threads`` threads (default: all cores).

        A float is no exact decimal: a float column is refused (:class:`huimin.InputError`
        naming it) unless ``floats="shortest"``, which reads each float of an integer or
        decimal column as its shortest decimal text (``1000.49``); then NaN or ±inf is that
        row's ``error``. Exact types (decimal, integer, string) need no option.

        When a result can rest on a value no source document states (an assumed parameter, or
        the default of an input an authority sets that a row came without), the output says so:
        ``huimin.estimated`` (the columns) and ``huimin.assumptions`` (JSON: each value, why,
        the rules that read it) in a pyarrow table's schema metadata, and the same keys, as
        lists, in a pandas frame's ``attrs``.

        ``progress(done)``, if given, is called with the count of rows done as jobs of 65 536
        rows finish. Ctrl-C stops the run within a job or so and raises ``KeyboardInterrupt``."""
        kind, table = _frames.to_arrow(frame)
        out, unused = self._core.evaluate_arrow(
            table, _frames.as_of_text(as_of), threads, floats, progress, extra, _names(keep)
        )
        if unused:
            warnings.warn(
                f"{self.id} reads none of these columns of the shared vocabulary: {', '.join(unused)}",
                UnusedWarning,
                stacklevel=2,
            )
        return _frames.from_arrow(out, kind, like=frame)

    def synthetic(self, n: int, seed: int = 0) -> Any:
        """``n`` synthetic participants for this pack, reproducible from ``seed``, as a pyarrow
        Table (see :func:`huimin.synthetic`)."""
        import pyarrow as pa

        return pa.table(self._core.synthetic_arrow(n, seed))
