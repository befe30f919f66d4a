"""Careless and hostile input through the Python package: each test is a
reproducer that once aborted the interpreter, returned garbage or stored
something invalid, and now gets the library's typed error."""

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import learnloop as ll

NOW = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


@pytest.mark.parametrize("count", [2**31, 2**63])
def test_a_huge_batch_is_refused_before_allocating(count: int) -> None:
    # Once SIGABRT ("memory allocation of 257698037760 bytes failed") or a
    # PanicException that `except Exception` does not catch.
    with pytest.raises(ll.InvalidInputError) as info:
        ll.CardBatch.new_cards("p", count, NOW)
    assert info.value.field == "count"
    assert len(ll.CardBatch.new_cards("p", 3, NOW)) == 3


def test_a_huge_forecast_is_refused_before_allocating() -> None:
    card = ll.Card("c", NOW)
    with pytest.raises(ll.InvalidInputError) as info:
        ll.forecast([card], NOW, 2**31)
    assert info.value.field == "days"
    store = ll.Store.in_memory()
    store.put_cards("ann", [card], NOW)
    with pytest.raises(ll.InvalidInputError) as info:
        store.forecast("ann", NOW, 2**31)
    assert info.value.field == "days"
    assert len(store.forecast("ann", NOW, 36_500)) == 36_500


def test_a_broken_card_is_never_stored() -> None:
    fsrs = ll.Fsrs()
    reviewed, log = fsrs.review(ll.Card("c", NOW), ll.Rating.GOOD, NOW)
    changes: list[tuple[dict[str, object], str]] = [
        ({"memory": {"stability": -1.0, "difficulty": 5.0}}, "memory.stability"),
        ({"state": "review", "memory": None}, "memory"),
        ({"memory": [1, 2]}, "memory"),
    ]
    for change, field in changes:
        with pytest.raises(ll.InvalidInputError) as info:
            ll.Card.from_dict({**reviewed.to_dict(), **change})
        assert info.value.field == field
    store = ll.Store.in_memory()
    store.record_review("ann", reviewed, log)
    assert store.card("ann", "c") == reviewed


def test_a_backdated_revocation_wins() -> None:
    store = ll.Store.in_memory()
    store.set_consent("bob", "analytics", True, NOW + timedelta(days=2))
    store.set_consent("bob", "analytics", False, NOW + timedelta(days=1))
    consent = store.consent("bob", "analytics")
    assert consent is not None and consent["granted"] is False
    assert store.analytics_export(b"0123456789abcdef-key") == []
    with pytest.raises(ll.InvalidInputError) as info:
        store.set_consent("bob", "analytics", True, NOW)
    assert info.value.field == "at"


def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "theirs.db"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE learners (id TEXT PRIMARY KEY, name TEXT)")
        c.execute("INSERT INTO learners VALUES ('l1', 'Ada')")
    c.close()
    before = path.read_bytes()
    with pytest.raises(ll.StorageCorruptError) as info:
        ll.Store(path)
    assert "not a learnloop database" in str(info.value)
    assert len(str(info.value)) < 300
    assert path.read_bytes() == before
    assert not (tmp_path / "theirs.db-wal").exists()


def test_a_retried_review_is_stored_once_and_a_late_one_is_refused() -> None:
    fsrs = ll.Fsrs()
    store = ll.Store.in_memory()
    c1, l1 = fsrs.review(ll.Card("c", NOW), ll.Rating.GOOD, NOW)
    c2, l2 = fsrs.review(c1, ll.Rating.GOOD, NOW + timedelta(days=1))
    store.record_review("ann", c1, l1)
    store.record_review("ann", c1, l1)
    assert len(store.review_logs("ann", "c")) == 1
    store.record_review("ann", c2, l2)
    store.record_review("ann", c1, l1)  # the first one's retry, arriving late
    assert store.card("ann", "c").reps == 2
    stale, stale_log = fsrs.review(c1, ll.Rating.EASY, NOW + timedelta(hours=1))
    with pytest.raises(ll.OutOfOrderError):
        store.record_review("ann", stale, stale_log)
    assert store.card("ann", "c") == c2
    assert len(store.review_logs("ann", "c")) == 2


def test_a_fit_returns_only_what_its_constructor_accepts() -> None:
    answers = [("s", "k", 1), ("s", "k", 0), ("s", "k", 1)]
    with pytest.raises(ll.InvalidInputError) as info:
        ll.fit_bkt(answers, max_guess=0.9, max_slip=0.9)
    assert info.value.field == "max_slip"
    for max_guess, max_slip in [(0.5, 0.499), (0.0, 0.999), (0.999, 0.0)]:
        for fit in ll.fit_bkt(answers, max_guess=max_guess, max_slip=max_slip, forgetting=True):
            p = fit["parameters"]
            ll.BktParameters(p["prior"], p["learn"], p["guess"], p["slip"], p["forget"])


def test_a_session_the_engine_would_refuse_is_never_stored() -> None:
    store = ll.Store.in_memory()
    state = ll.AdaptiveEngine().initial_state(NOW)
    document = {"metadata": {"topics": ["algebra"], "createdAt": "2026-01-05T09:00:00Z"}, "adaptiveState": state}
    store.save_session("ann", "s1", ll.upgrade_session(document))
    for key, value, field in [
        ("adaptiveDifficultyLevel", 7.0, "adaptiveDifficultyLevel"),
        ("livePerformanceMetrics", {**state["livePerformanceMetrics"], "currentUnderstanding": 5.0},
         "livePerformanceMetrics.currentUnderstanding"),
    ]:
        with pytest.raises(ll.InvalidInputError) as info:
            store.save_adaptive_state("s1", {**state, key: value}, NOW)
        assert info.value.field == f"state.{field}"
        broken = {**store.load_session("s1"), "adaptiveState": {**state, key: value}}
        with pytest.raises(ll.InvalidInputError) as info:
            store.save_session("ann", "s2", broken)
        assert info.value.field.endswith(f"adaptiveState.{field}")
    assert store.adaptive_state("s1") == state
    assert [s["id"] for s in store.active_sessions("ann", 10)] == ["s1"]


NAN = float("nan")
INF = float("inf")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: ll.Fsrs().next_interval(5.0, 2.0, ll.Rating.GOOD), "desired_retention"),
        (lambda: ll.Fsrs().next_interval(5.0, 0.0, ll.Rating.GOOD), "desired_retention"),
        (lambda: ll.Fsrs().next_interval(NAN, 0.9, ll.Rating.GOOD), "stability"),
        (lambda: ll.Fsrs().next_interval(-1.0, 0.9, ll.Rating.GOOD), "stability"),
        (lambda: ll.Fsrs().retrievability_after(NAN, 3.0), "elapsed_days"),
        (lambda: ll.Fsrs().retrievability_after(1.0, -3.0), "stability"),
        (lambda: ll.Fsrs().review_interval(INF), "stability"),
        (lambda: ll.BktParameters(0.3, 0.1, 0.2, 0.1).update(2.0, True), "known"),
        (lambda: ll.BktParameters(0.3, 0.1, 0.2, 0.1).update(-1.0, True), "known"),
        (lambda: ll.BktParameters(0.3, 0.1, 0.2, 0.1).predict(NAN), "known"),
        (lambda: ll.BktParameters(0.3, 0.1, 0.2, 0.1).posterior(NAN, False), "known"),
        (lambda: ll.is_mastered(NAN), "known"),
        (lambda: ll.ItemParameters(1, 0).probability(NAN), "theta"),
        (lambda: ll.ItemParameters(1, 0).information(INF), "theta"),
        (lambda: ll.test_information([ll.ItemParameters(1, 0)], NAN), "theta"),
        (lambda: ll.AdaptiveEngine().predict_success(ll.AdaptiveEngine().initial_state(NOW), NAN), "difficulty"),
    ],
)
def test_a_non_finite_or_out_of_range_argument_is_refused(call: object, field: str) -> None:
    # Once -5.04, inf, nan, 1.11 or -0.8.
    assert callable(call)
    with pytest.raises(ll.InvalidInputError) as info:
        call()
    assert info.value.field == field


@pytest.mark.parametrize("rate", [NAN, -1.0, 0.0, 2.0, INF])
def test_an_item_selector_refuses_an_exposure_rate_outside_0_1(rate: float) -> None:
    with pytest.raises(ll.InvalidInputError) as info:
        ll.ItemSelector(max_exposure_rate=rate)
    assert info.value.field.endswith("max_exposure_rate")
    assert ll.ItemSelector(max_exposure_rate=0.2) is not None


def test_erasure_leaves_no_bytes_in_the_file_the_log_or_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "erase.db"
    store = ll.Store(path, audit_key="kept outside the database file")
    fsrs = ll.Fsrs()
    for learner in ["alice@example.com", "bob@example.com"]:
        card, log = fsrs.review(ll.Card(f"{learner}/card-1", NOW), ll.Rating.GOOD, NOW)
        store.record_review(learner, card, log)
        store.append_events(learner, [{"device": f"{learner}/phone", "seq": 1, "at": NOW,
                                       "kind": "answer", "payload": {"said": f"{learner} was here"}}])
    store.erase_learner("alice@example.com")
    wal = tmp_path / "erase.db-wal"
    files = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for image in [files, store.to_bytes()]:
        assert b"alice@example.com" not in image
        assert b"bob@example.com" in image
    assert b"kept outside the database file" not in path.read_bytes()
    with pytest.raises(ll.InvalidInputError) as info:
        ll.Store(tmp_path / "short.db", audit_key="short")
    assert info.value.field == "audit_key"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: ll.Fsrs().review(ll.Card("c", NOW), ll.Rating.GOOD, NOW, duration_ms=-1), "duration_ms"),
        (lambda: ll.Fsrs().review(ll.Card("c", NOW), ll.Rating.GOOD, NOW, duration_ms=2**40), "duration_ms"),
        (lambda: ll.forecast([ll.Card("c", NOW)], NOW, -1), "days"),
        (lambda: ll.Store.in_memory().forecast("ann", NOW, -1), "days"),
        (lambda: ll.due_queue([ll.Card("c", NOW)], NOW, new_limit=-1), "new_limit"),
        (lambda: ll.CardBatch.new_cards("p", -1, NOW), "count"),
        (lambda: ll.CardBatch.new_cards("p", 2**64, NOW), "count"),
        (lambda: ll.CardBatch.new_cards("p", "3", NOW), "count"),  # type: ignore[arg-type]
        (lambda: ll.fuzz_factor("c", -1), "reps"),
        (lambda: ll.fuzz_range(-5, 100), "interval"),
        (lambda: ll.Store.in_memory().active_sessions("ann", -1), "limit"),
        (lambda: ll.Elo().uncertainty(-1), "answers"),
        (lambda: ll.Sm2().review_quality(ll.Card("c", NOW), 300, NOW), "quality"),
        (lambda: ll.Fsrs().next_states(None, 0.9, -1), "days_elapsed"),
        (
            lambda: ll.AdaptiveEngine().observe(
                ll.AdaptiveEngine().initial_state(NOW), question_id="q", at=NOW, correct=True, hints_used=-1
            ),
            "hints_used",
        ),
    ],
)
def test_an_integer_out_of_range_is_the_librarys_error(call: object, field: str) -> None:
    # Once a bare OverflowError ("out of range integral type conversion attempted").
    assert callable(call)
    with pytest.raises(ll.InvalidInputError) as info:
        call()
    assert info.value.field.endswith(field)


def test_nested_numbers_and_text_are_checked_with_their_path() -> None:
    pfa = ll.Pfa.fit([("s", ["k"], True), ("s", ["k"], False), ("t", ["k"], True), ("t", ["k"], False)])
    card = ll.Card("c", NOW)
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: ll.Pfa.fit([("\ud800", ["k"], True)]), "answers[0][0]"),
        (lambda: pfa.probability([("k", -1, 0)]), "practice[0][1]"),
        (lambda: ll.ItemSelector().select([ll.ItemParameters(1, 0)], 0.0, administered=[-1]), "administered[0]"),
        (lambda: ll.Fsrs().review(card, 3, NOW, load=[-1]), "load[0]"),
        (lambda: ll.Fsrs().memory_state([(3, -1)]), "history[0][1]"),
        (lambda: ll.fit_bkt([{"a": 1, "b": 2, "c": 3}]), "answers[0]"),  # type: ignore[list-item]
    ]
    for call, field in calls:
        with pytest.raises(ll.InvalidInputError) as info:
            call()
        assert info.value.field == field
