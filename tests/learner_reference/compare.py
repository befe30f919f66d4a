#!/usr/bin/env python3
"""Compares two learner reference fixtures value by value.

    python tests/learner_reference/compare.py COMMITTED FRESH

Strings and integers must be equal; floats may differ by 1e-6 (absolute)
or 1e-6 relative, whichever is larger. Prints the first difference.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def diff(a: Any, b: Any, path: str) -> str | None:
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return f"{path}: {a!r} vs {b!r}"
        return None if abs(a - b) <= max(1e-6, 1e-6 * abs(a)) else f"{path}: {a} vs {b}"
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        if sorted(a) != sorted(b):
            return f"{path}: keys {sorted(a)} vs {sorted(b)}"
        for k in a:
            d = diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} entries"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def main() -> int:
    committed, fresh = (json.load(open(p)) for p in sys.argv[1:3])
    committed.get("versions", {}).pop("numpy", None)
    fresh.get("versions", {}).pop("numpy", None)
    d = diff(committed, fresh, "$")
    if d:
        print(f"the learner fixture differs from a fresh run: {d}", file=sys.stderr)
        return 1
    print(f"{sys.argv[1]} matches a fresh run of pyBKT, girth and mirt (to 1e-6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
