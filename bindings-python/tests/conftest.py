import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def srs_cases() -> list[dict[str, Any]]:
    doc = json.loads((ROOT / "tests/fixtures/conformance/srs.json").read_text())
    cases: list[dict[str, Any]] = doc["cases"]
    return cases
