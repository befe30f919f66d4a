"""The shared cross-language cases (tests/fixtures/conformance/srs.json),
replayed through the Python API."""

from datetime import datetime, timedelta
from typing import Any

import pytest

import learnloop as ll

RATINGS = {"again": ll.Rating.AGAIN, "hard": ll.Rating.HARD, "good": ll.Rating.GOOD, "easy": ll.Rating.EASY}


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def scheduler(spec: dict[str, Any]) -> ll.Fsrs:
    # The fixture writes null for "the default parameters": leave them out.
    options = {k: v for k, v in spec.items() if v is not None}
    options["learning_steps"] = [timedelta(seconds=s) for s in spec["learning_steps"]]
    return ll.Fsrs(**options)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(abs(b), 1.0)


def same_card(got: ll.Card, want: dict[str, Any]) -> None:
    g = got.to_dict()
    for key in ("id", "state", "step", "due", "last_review", "scheduled_days", "reps", "lapses", "sm2"):
        assert g[key] == want[key], key
    if want["memory"] is None:
        assert g["memory"] is None
    else:
        assert close(g["memory"]["stability"], want["memory"]["stability"])
        assert close(g["memory"]["difficulty"], want["memory"]["difficulty"])


def run(case: dict[str, Any]) -> None:
    op = case["op"]
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(ll.LearnloopError) as info:
            run_op(case)
        assert info.value.code == expect["error"]["code"]
        assert info.value.field == expect["error"]["field"]
        return
    result = run_op(case)
    if op == "preview":
        for name, rating in RATINGS.items():
            same_card(result[rating], expect[name])
    elif op == "review":
        card, log = result
        same_card(card, expect["card"])
        assert log.scheduled_days == expect["scheduled_days"]
        assert log.elapsed_days == expect["elapsed_days"]
    elif op == "memory_state":
        s, d = result
        assert close(s, expect["stability"]) and close(d, expect["difficulty"])
    elif op == "next_states":
        for name, rating in RATINGS.items():
            got = result[rating]
            for g, w in zip(got, expect[name]):
                assert close(g, w), (name, got, expect[name])
    else:
        raise AssertionError(f"unknown op {op}")


def run_op(case: dict[str, Any]) -> Any:
    op = case["op"]
    if op == "new_scheduler":
        return scheduler(case["scheduler"])
    if op == "decode_card":
        return ll.Card.from_dict(case["card"])
    if op == "memory_state":
        return ll.Fsrs().memory_state([(r, d) for r, d in case["history"]])
    if op == "next_states":
        memory = tuple(case["memory"]) if case["memory"] is not None else None
        return ll.Fsrs().next_states(memory, case["desired_retention"], case["days_elapsed"])
    fsrs = scheduler(case["scheduler"])
    now = when(case["now"])
    if op == "review_many":
        return fsrs.review_many([ll.Card.from_dict(c) for c in case["cards"]], case["ratings"], now)
    card = ll.Card.from_dict(case["card"])
    if op == "preview":
        return fsrs.preview(card, now)
    if op == "review":
        return fsrs.review(card, case["rating"], now)
    raise AssertionError(f"unknown op {op}")


def test_every_case(srs_cases: list[dict[str, Any]]) -> None:
    assert len(srs_cases) > 100
    failures = []
    for case in srs_cases:
        try:
            run(case)
        except AssertionError as e:
            failures.append(f"{case['name']}: {e!r}")
    assert not failures, "\n".join(failures[:20])
