"""Exceptions raised by huimin.

Every error carries the core's message (``str(exc)``, as the CLI prints it) and the error's
JSON (``exc.detail`` / ``exc.to_dict()``), the same shape the Rust tests and the WASM binding
match conformance cases against.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, List, Mapping, Optional, Union

__all__ = ["HuiminError", "PackError", "InputError", "EvalError", "InternalError"]


class HuiminError(Exception):
    """Base class of huimin's errors."""

    message: str
    detail: Dict[str, Any]

    def __init__(self, message: str, detail: Union[str, Mapping[str, Any], None] = None) -> None:
        super().__init__(message)
        self.message = message
        data: Any = json.loads(detail) if isinstance(detail, str) else detail
        self.detail = dict(data) if isinstance(data, Mapping) else {}

    @property
    def kind(self) -> Optional[str]:
        """``"pack"``, ``"input"``, ``"eval"`` or ``"internal"``."""
        k = self.detail.get("kind")
        return k if isinstance(k, str) else None

    def to_dict(self) -> Dict[str, Any]:
        """The error as JSON data (a deep copy of :attr:`detail`)."""
        return copy.deepcopy(self.detail)

    def __reduce__(self) -> Any:
        return (type(self), (self.message, json.dumps(self.detail)))

    def _errors(self) -> List[Dict[str, Any]]:
        errors = self.detail.get("errors")
        return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


class PackError(HuiminError, ValueError):
    """A policy pack could not be read or compiled. Every problem is in :attr:`errors`;
    :attr:`file`, :attr:`line`, :attr:`column`, :attr:`code` and :attr:`hint` are those of
    the first."""

    @property
    def errors(self) -> List[Dict[str, Any]]:
        """Each problem: ``file line column severity code message hint``."""
        return self._errors()

    def _first(self, key: str) -> Any:
        errors = self._errors()
        return errors[0].get(key) if errors else None

    @property
    def file(self) -> Optional[str]:
        return self._first("file")  # type: ignore[no-any-return]

    @property
    def line(self) -> Optional[int]:
        """1-based line of the first problem (0 when unknown)."""
        return self._first("line")  # type: ignore[no-any-return]

    @property
    def column(self) -> Optional[int]:
        """1-based column (in characters) of the first problem (0 when unknown)."""
        return self._first("column")  # type: ignore[no-any-return]

    @property
    def code(self) -> Optional[str]:
        return self._first("code")  # type: ignore[no-any-return]

    @property
    def hint(self) -> Optional[str]:
        return self._first("hint")  # type: ignore[no-any-return]


class InputError(HuiminError, ValueError):
    """A participant's data does not fit the pack's input schema. Every problem is in
    :attr:`errors` with its field path; :attr:`field` is the first path."""

    @property
    def errors(self) -> List[Dict[str, Any]]:
        """Each problem: ``path code message{zh,en}``."""
        return self._errors()

    @property
    def fields(self) -> List[str]:
        """The field paths of every problem (``class_hours``, ``tags[1]``…)."""
        return [str(e.get("path", "")) for e in self._errors()]

    @property
    def field(self) -> Optional[str]:
        """The field path of the first problem."""
        fields = self.fields
        return fields[0] if fields else None

    @property
    def code(self) -> Optional[str]:
        errors = self._errors()
        code = errors[0].get("code") if errors else None
        return code if isinstance(code, str) else None


class EvalError(HuiminError):
    """The participant is valid but the pack cannot decide for it (no parameter value in
    force, outside the pack's validity, conflicting exclusive rules, arithmetic)."""

    @property
    def code(self) -> Optional[str]:
        code = self.detail.get("code")
        return code if isinstance(code, str) else None


class InternalError(HuiminError, RuntimeError):
    """huimin itself went wrong: a panic in the Rust code (there should be none), caught where
    the binding calls in. A bug to report with the input that caused it, never a verdict on
    the data; :attr:`code` is ``"internal"`` and the message (``detail["message"]``, zh and
    en) says what panicked."""

    @property
    def code(self) -> Optional[str]:
        code = self.detail.get("code")
        return code if isinstance(code, str) else None


class UnusedWarning(UserWarning):
    """Data given that the pack does not read: terms of the shared vocabulary another program
    uses (a frame's ``age`` column under an after-school pack). Never silently used or lost."""
