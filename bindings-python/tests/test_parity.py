"""Parity with the core (tests/fixtures/conformance/entry_points.json, which
the core's source generates): every public entry point of the core is in the
Python package under the name the fixture gives, or the fixture says why it
has none."""

import json
from typing import Any

import learnloop as ll
from conftest import ROOT


def resolve(name: str) -> Any:
    obj: Any = ll
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_core_entry_point_has_its_python_name() -> None:
    doc = json.loads((ROOT / "tests/fixtures/conformance/entry_points.json").read_text())
    missing = []
    gaps = []
    for entry in doc["entry_points"]:
        names = entry["python"]
        if isinstance(names, str):
            if names == doc["gap"]:
                gaps.append(entry["core"])
            continue
        for name in names:
            try:
                resolve(name)
            except AttributeError:
                missing.append(f"{entry['core']} -> learnloop.{name}")
    assert not missing, "core entry points without their Python name:\n" + "\n".join(missing)
    print(f"{len(doc['entry_points'])} core entry points; {len(gaps)} not yet bound in Python: {', '.join(gaps)}")
