"""Shared fixtures: the repository's packs and cases, and a place to report timings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

import huimin

REPO = Path(__file__).resolve().parents[3]
FIXTURES = Path(os.environ.get("HUIMIN_FIXTURES", REPO / "fixtures"))
WANZHOU = FIXTURES / "policies" / "chongqing-wanzhou-2020.yaml"

#: Timings measured by the tests, printed at the end of the run.
TIMINGS: List[str] = []


def pack_path(pack_id: str) -> Path:
    for ext in ("yaml", "yml", "json"):
        p = FIXTURES / "policies" / f"{pack_id}.{ext}"
        if p.exists():
            return p
    raise FileNotFoundError(f"cases for `{pack_id}` but no pack fixtures/policies/{pack_id}.yaml")


_POLICIES: Dict[Tuple[str, Optional[str]], huimin.Policy] = {}


def load(pack_id: str, values: Optional[str] = None) -> huimin.Policy:
    """The pack, compiled once, with a values file of fixtures/values/ when a case names one."""
    key = (pack_id, values)
    if key not in _POLICIES:
        v = None if values is None else FIXTURES / "values" / values
        _POLICIES[key] = huimin.Policy.load(pack_path(pack_id), values=v)
    return _POLICIES[key]


@pytest.fixture(scope="session")
def wanzhou() -> huimin.Policy:
    return huimin.Policy.load(WANZHOU)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.section("huimin timings")
        for line in TIMINGS:
            terminalreporter.write_line(line)
