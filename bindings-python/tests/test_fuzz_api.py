"""Every public entry point of the package called with arbitrary arguments
(Hypothesis): whatever comes in, the call returns a value with no NaN or
infinity in it, or raises the library's typed error (or the TypeError of a
call that does not fit the signature). A panic (pyo3's PanicException, a
BaseException), a bare OverflowError or UnicodeEncodeError, or an abort of
the interpreter fails the test."""

import inspect
import math
import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import learnloop as ll

NOW = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)

# Numbers at the edges: negative, zero, huge, past every integer type, and
# the counts that allocate (kept below sizes that would exhaust CI memory
# when valid).
INTS = st.sampled_from([-(2**64), -(2**63), -1, 0, 1, 2, 3, 4, 5, 7, 100, 2**31, 2**32, 2**63, 2**64, 10**30])
FLOATS = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 1e-300, 0.5, 1.0, 2.0, 1e300]),
    st.floats(allow_nan=True, allow_infinity=True),
)
TEXT = st.one_of(
    st.sampled_from(["", "\x00", "a\x00b", "\ud800", "review", "good", "analytics", "fsrs", "x" * 10_000]),
    st.text(max_size=20),
)
TIMES = st.sampled_from(
    [
        NOW,
        datetime(2026, 1, 5, 9),  # naive
        datetime(1, 1, 1, tzinfo=timezone.utc),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
        NOW + timedelta(days=400),
    ]
)


def cards() -> st.SearchStrategy[Any]:
    fsrs = ll.Fsrs()
    reviewed, _ = fsrs.review(ll.Card("c1", NOW), ll.Rating.GOOD, NOW)
    return st.sampled_from([ll.Card("c0", NOW), reviewed])


LEAVES = st.one_of(
    st.none(), st.booleans(), INTS, FLOATS, TEXT, TIMES, cards(), st.sampled_from([ll.Rating.AGAIN, ll.Rating.HARD, ll.Rating.GOOD, ll.Rating.EASY]),
    st.just(timedelta(minutes=-5)), st.binary(max_size=8),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner, inner),
        st.dictionaries(TEXT, inner, max_size=4),
    ),
    max_leaves=8,
)


def receivers() -> dict[str, Any]:
    """An instance of each class whose methods are called."""
    fsrs = ll.Fsrs()
    return {
        "AdaptiveEngine": ll.AdaptiveEngine(),
        "AnkiSm2": ll.AnkiSm2(),
        "BktParameters": ll.BktParameters(0.3, 0.1, 0.2, 0.1),
        "Card": ll.Card("c", NOW),
        "CardBatch": ll.CardBatch([ll.Card("c", NOW)]),
        "Elo": ll.Elo(),
        "Fsrs": fsrs,
        "ItemParameters": ll.ItemParameters(1.0, 0.0),
        "ItemSelector": ll.ItemSelector(),
        "Pfa": ll.Pfa.fit([("s", ["k"], True), ("s", ["k"], False), ("t", ["k"], True), ("t", ["k"], False)]),
        "ReviewLog": fsrs.review(ll.Card("c", NOW), ll.Rating.GOOD, NOW)[1],
        "Sm2": ll.Sm2(),
        "Store": ll.Store.in_memory(),
    }


def entry_points() -> Iterator[tuple[str, Callable[..., Any]]]:
    objects = receivers()
    for name in sorted(dir(ll)):
        obj = getattr(ll, name)
        if name.startswith("_") or not callable(obj) or (inspect.isclass(obj) and issubclass(obj, BaseException)):
            continue
        yield name, obj
        if inspect.isclass(obj):
            for method in sorted(vars(obj)):
                bound = objects.get(name)
                if method.startswith("_") or bound is None or not callable(getattr(bound, method, None)):
                    continue
                yield f"{name}.{method}", getattr(bound, method)


ENTRY_POINTS = list(entry_points())


def positional(f: Callable[..., Any]) -> int:
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return 3
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self" for p in parameters)


def finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    return True


@pytest.fixture(autouse=True, scope="module")
def in_a_scratch_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Arbitrary text reaches Store(path): the files it creates stay out of the checkout.
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz"))
    yield
    os.chdir(here)


def test_every_entry_point_is_covered() -> None:
    assert len(ENTRY_POINTS) > 90


@pytest.mark.parametrize(("name", "f"), ENTRY_POINTS, ids=[n for n, _ in ENTRY_POINTS])
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_arbitrary_arguments_never_abort_panic_or_return_non_finite(
    name: str, f: Callable[..., Any], data: st.DataObject
) -> None:
    arity = positional(f)
    args = data.draw(st.lists(VALUES, min_size=arity, max_size=arity), label="args")
    kwargs = data.draw(st.dictionaries(st.sampled_from(["now", "limit", "days", "desired_retention", "actor"]), VALUES, max_size=1), label="kwargs")
    try:
        result = f(*args, **kwargs)
    except ll.LearnloopError:
        return
    except (TypeError, ValueError) as e:
        # A call that does not fit the signature (pyo3's own conversion
        # errors); a subclass such as UnicodeEncodeError or OverflowError
        # is a failure.
        if type(e) in (TypeError, ValueError):
            return
        raise
    assert finite(result), f"{name}{tuple(args)} returned {result!r}"
