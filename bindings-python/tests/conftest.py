import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def srs_cases() -> list[dict[str, Any]]:
    doc = json.loads((ROOT / "tests/fixtures/conformance/srs.json").read_text())
    cases: list[dict[str, Any]] = doc["cases"]
    return cases


@pytest.fixture(scope="session")
def learner_cases() -> list[dict[str, Any]]:
    doc = json.loads((ROOT / "tests/fixtures/conformance/learner.json").read_text())
    cases: list[dict[str, Any]] = doc["cases"]
    return cases


@pytest.fixture(scope="session")
def defaults() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((ROOT / "tests/fixtures/conformance/defaults.json").read_text())
    return doc


EightThreads = Callable[[Callable[[int], None]], list[BaseException]]


@pytest.fixture
def in_eight_threads() -> EightThreads:
    """Run work(0) .. work(7) in eight threads released together; returns
    the exceptions they raised (an empty list when all succeeded)."""

    def run(work: Callable[[int], None]) -> list[BaseException]:
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def guarded(k: int) -> None:
            try:
                barrier.wait()
                work(k)
            except BaseException as e:  # noqa: BLE001 - returned to the test
                errors.append(e)

        threads = [threading.Thread(target=guarded, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    return run
