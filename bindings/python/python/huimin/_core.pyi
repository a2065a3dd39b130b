"""The Rust extension behind huimin (huimin-core through pyo3). Use the `huimin` package."""

from typing import Any, Callable, List, Optional, Tuple, final


# pyo3 lists every function it adds, the internal test hook too.
__all__ = ["Policy", "Registry", "version", "_panic_for_test"]

def version() -> str: ...
def _panic_for_test(place: str) -> None:
    """Internal, for huimin's own tests, not part of the API: panics in the Rust code
    ("here", "detached" or "worker") so that the test sees it raised as InternalError."""

@final
class Policy:
    """A compiled policy pack: immutable, shared freely between threads."""

    @staticmethod
    def load(path: str, values: Optional[str] = None) -> Policy: ...
    @staticmethod
    def from_yaml(
        text: str, file: str = "<input>", values: Optional[str] = None, values_file: str = "<values>"
    ) -> Policy: ...
    @staticmethod
    def from_json(text: str, file: str = "<input>") -> Policy: ...
    def reformed(self, text: str, file: str = "<reform>") -> Policy: ...
    def diff(self, other: Policy) -> tuple[str, str]: ...
    @property
    def id(self) -> str: ...
    def info_json(self) -> str: ...
    def rounding_json(self) -> str: ...
    def input_schema_json(self) -> str: ...
    def validate_json(self, participant: str) -> str: ...
    def evaluate_json(self, participant: str, as_of: str, explain: bool = True) -> str: ...
    def evaluate_arrow(
        self,
        table: Any,
        as_of: str,
        threads: Optional[int] = None,
        floats: str = "refuse",
        progress: Optional[Callable[[int], Any]] = None,
        extra: str = "refuse",
    ) -> Tuple[Any, List[str]]: ...
    def tally_arrow(
        self,
        reforms: List[Policy],
        stream: Any,
        as_of: str,
        by: List[str],
        keep: List[str],
        weight: Optional[str] = None,
        rows: bool = False,
        progress: Optional[Callable[[int], Any]] = None,
        floats: str = "refuse",
        extra: str = "refuse",
    ) -> Tuple[str, Optional[Any]]: ...
    def synthetic_arrow(self, n: int, seed: int = 0) -> Any: ...

@final
class Registry:
    @staticmethod
    def load(path: str, values: Optional[str] = None) -> "Registry": ...
    @staticmethod
    def of(policies: List[Policy]) -> "Registry": ...
    @property
    def ids(self) -> List[str]: ...
    def screen_json(self, household: str, as_of: str, place: Optional[str] = None) -> str: ...
