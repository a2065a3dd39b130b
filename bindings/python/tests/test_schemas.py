"""Every fixture against the committed JSON Schemas, read by independent tools (PyYAML, a YAML
1.1 reader as many editors are, and jsonschema): what an editor's schema support sees is what
huimin accepts (issue 23, item 3)."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

KINDS = [
    ("pack", "policies"),
    ("program", "programs"),
    ("values", "values"),
    ("reform", "reforms"),
    ("properties", "properties"),
]


def plain(v: Any) -> Any:
    """YAML's dates as the text they were written as (JSON has no dates)."""
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def validator(kind: str) -> Any:
    schema = json.loads((FIXTURES / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind,folder", KINDS)
def test_every_fixture_matches_its_schema_and_names_it(kind: str, folder: str) -> None:
    v = validator(kind)
    files = sorted((FIXTURES / folder).glob("*.yaml"))
    assert files
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert text.splitlines()[0] == f"# yaml-language-server: $schema=../{kind}.schema.json", f
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(plain(yaml.safe_load(text)))]
        assert not errors, f"{f.name}: {errors[:5]}"


def test_a_misspelt_key_is_refused_by_the_schema() -> None:
    text = (FIXTURES / "policies" / "chongqing-wanzhou-2020.yaml").read_text(encoding="utf-8")
    bad = plain(yaml.safe_load(text.replace("valid_from:", "valid_form:", 1)))
    messages = [e.message for e in validator("pack").iter_errors(bad)]
    assert any("valid_form" in m for m in messages), messages
