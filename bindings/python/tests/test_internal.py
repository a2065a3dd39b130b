"""A panic that escapes the Rust code (there should be none) is an ordinary huimin exception,
InternalError with code ``internal``, not pyo3's PanicException (which is no Exception)."""

from __future__ import annotations

import pytest

import huimin
from huimin import _core

ASK = "internal error in huimin (a bug, not a problem with the data or the pack; please report it with the input that caused it): "
ASK_ZH = "huimin 内部错误（是 huimin 的缺陷，不是数据或政策包的问题，请连同引发它的输入一起报告）："


@pytest.mark.parametrize(
    "place,what",
    [
        ("here", "_panic_for_test: here"),
        ("detached", "_panic_for_test: detached"),
        # a worker's panic reaches the caller as the scope's; the worker's went to stderr
        ("worker", "a scoped thread panicked"),
    ],
)
def test_a_panic_is_an_internal_error(place: str, what: str, wanzhou: huimin.Policy) -> None:
    with pytest.raises(huimin.InternalError) as info:
        _core._panic_for_test(place)
    e = info.value
    assert isinstance(e, huimin.HuiminError) and isinstance(e, RuntimeError)
    assert e.kind == "internal" and e.code == "internal"
    assert str(e) == ASK + what
    assert e.to_dict() == {"kind": "internal", "code": "internal", "message": {"zh": ASK_ZH + what, "en": ASK + what}}
    # the extension goes on working
    assert wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": 10}, "2021-03-01").net_fee == 30


def test_the_test_hook_names_its_places() -> None:
    with pytest.raises(ValueError, match="place must be"):
        _core._panic_for_test("nowhere")
