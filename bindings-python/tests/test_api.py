"""The Python API: the usage a FastAPI developer writes, errors, threads, batches."""

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import learnloop as ll
from conftest import ROOT

if TYPE_CHECKING:
    from conftest import EightThreads

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def test_the_documented_usage() -> None:
    fsrs = ll.Fsrs()
    assert fsrs.desired_retention == 0.9
    card = ll.Card.new("card-1", NOW)
    outcomes = fsrs.preview(card, NOW)
    assert set(outcomes) == {ll.Rating.AGAIN, ll.Rating.HARD, ll.Rating.GOOD, ll.Rating.EASY}
    assert outcomes[ll.Rating.GOOD].due == NOW + timedelta(minutes=10)
    card, log = fsrs.review(card, ll.Rating.GOOD, NOW)
    assert card.state == ll.State.LEARNING and log.rating == ll.Rating.GOOD
    assert card.due == outcomes[ll.Rating.GOOD].due
    s, d = fsrs.memory_state([(ll.Rating.AGAIN, 0), (ll.Rating.GOOD, 1)])
    assert s > 0 and 1 <= d <= 10
    cards = fsrs.review_many([card, card], [ll.Rating.GOOD, ll.Rating.EASY], card.due)
    assert [c.state for c in cards] == [ll.State.REVIEW, ll.State.REVIEW]
    assert ll.Card.from_dict(card.to_dict()) == card
    assert ll.Card.from_json(card.to_json()) == card
    json.dumps(card.to_dict())  # JSON-ready
    json.dumps(log.to_dict())


def test_card_defaults_and_times_are_utc() -> None:
    card = ll.Card("c", NOW)
    assert card.due.tzinfo is not None and card.due.utcoffset() == timedelta(0)
    with pytest.raises(TypeError):
        ll.Card("c")  # type: ignore[call-arg]  # the library never reads the host clock
    assert card.state == ll.State.NEW and card.stability is None
    # An aware non-UTC time is converted, not rejected.
    paris = timezone(timedelta(hours=1))
    card = ll.Card("c", datetime(2026, 1, 5, 10, 0, tzinfo=paris))
    assert card.due == NOW


class StampedDatetime(datetime):
    """A datetime subclass, as ORMs and time libraries define them."""


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 1, 5, 9, 3, 4, 123456, tzinfo=timezone.utc),
        datetime(1, 1, 1, tzinfo=timezone.utc),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
        datetime(2026, 3, 29, 1, 30, fold=1, tzinfo=timezone.utc),
        datetime(2026, 1, 5, 11, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        StampedDatetime(2026, 1, 5, 9, 3, 4, 5, tzinfo=timezone.utc),
    ],
)
def test_datetimes_round_trip_to_the_microsecond(when: datetime) -> None:
    card = ll.Card("c", when)
    assert card.due == when and card.due.tzinfo is timezone.utc
    assert card.due.microsecond == when.astimezone(timezone.utc).microsecond
    assert card.to_dict()["due"].startswith(when.astimezone(timezone.utc).isoformat()[:19])


def test_datetime_fields_read_in_place_match_the_portable_path() -> None:
    """Plain datetimes are read from the object's memory (after a check of
    the layout at first use); subclasses go through `__reduce__`/attributes.
    Both must agree on any instant, including fold and the range's ends."""
    rng = random.Random(20261122)
    for _ in range(5000):
        when = datetime(
            rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28),
            rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
            rng.randint(0, 999999), tzinfo=timezone.utc, fold=rng.randint(0, 1),
        )
        plain = ll.Card("c", when).due
        stamped = ll.Card("c", StampedDatetime.fromtimestamp(0, timezone.utc).replace(
            year=when.year, month=when.month, day=when.day, hour=when.hour,
            minute=when.minute, second=when.second, microsecond=when.microsecond)).due
        assert plain == stamped == when


def test_naive_datetimes_are_rejected() -> None:
    fsrs = ll.Fsrs()
    card = ll.Card("c", NOW)
    with pytest.raises(ll.InvalidInputError) as info:
        fsrs.review(card, ll.Rating.GOOD, datetime(2026, 1, 5, 9, 0))
    assert info.value.field == "now"
    assert "naive" in str(info.value)
    with pytest.raises(ll.InvalidInputError):
        ll.Card("c", datetime(2026, 1, 5))
    with pytest.raises(ll.InvalidInputError):
        fsrs.review(card, ll.Rating.GOOD, "2026-01-05")  # type: ignore[arg-type]
    with pytest.raises(ll.InvalidInputError):
        ll.Card("c", StampedDatetime(2026, 1, 5))


def test_exception_hierarchy() -> None:
    assert issubclass(ll.InvalidInputError, ll.LearnloopError)
    assert issubclass(ll.InvalidRatingError, ll.InvalidInputError)
    assert issubclass(ll.InvalidParameterError, ll.InvalidInputError)
    assert issubclass(ll.ReviewOrderError, ll.InvalidInputError)
    assert issubclass(ll.LearnloopError, Exception)
    fsrs = ll.Fsrs()
    card = ll.Card("c", NOW)
    with pytest.raises(ll.InvalidRatingError) as rating:
        fsrs.review(card, 7, NOW)
    assert (rating.value.code, rating.value.field) == ("invalid_rating", "rating")
    with pytest.raises(ll.InvalidParameterError) as params:
        ll.Fsrs(parameters=[0.5] * 18)
    assert params.value.code == "parameter_count"
    with pytest.raises(ll.InvalidParameterError) as bounds:
        ll.Fsrs(parameters=[1.0] * 21)
    assert bounds.value.field == "parameters[7]"
    with pytest.raises(ll.InvalidInputError) as retention:
        ll.Fsrs(desired_retention=1.0)
    assert retention.value.field == "desired_retention"
    reviewed, _ = fsrs.review(card, ll.Rating.GOOD, NOW)
    with pytest.raises(ll.ReviewOrderError):
        fsrs.review(reviewed, ll.Rating.GOOD, NOW - timedelta(seconds=1))


def test_from_dict_names_the_bad_key() -> None:
    good = ll.Card("c", NOW).to_dict()
    with pytest.raises(ll.InvalidInputError) as info:
        ll.Card.from_dict({**good, "state": "sleeping"})
    assert info.value.field == "state"
    with pytest.raises(ll.InvalidInputError) as info:
        ll.Card.from_dict({**good, "memory": {"stability": "x", "difficulty": 5}})
    assert info.value.field == "memory.stability"
    with pytest.raises(ll.InvalidInputError) as info:
        ll.Card.from_json("{not json")
    assert info.value.field == "json"


def test_broken_cards_are_refused_where_they_enter(tmp_path: Path) -> None:
    fsrs = ll.Fsrs()
    reviewed, log = fsrs.review(ll.Card("a", NOW), ll.Rating.EASY, NOW)
    good = reviewed.to_dict()
    changes: list[tuple[dict[str, object], str]] = [
        ({"memory": {"stability": -1.0, "difficulty": 5.0}}, "memory.stability"),
        ({"memory": {"stability": 0.0, "difficulty": 5.0}}, "memory.stability"),
        ({"memory": {"stability": 3.0, "difficulty": 11.0}}, "memory.difficulty"),
        ({"memory": {"stability": 3.0, "difficulty": -3.0}}, "memory.difficulty"),
        ({"memory": None}, "memory"),
        ({"last_review": None}, "last_review"),
        ({"last_review": "2030-01-01T00:00:00Z"}, "due"),
    ]
    for change, field in changes:
        broken = {**good, **change}
        with pytest.raises(ll.InvalidInputError) as info:
            ll.Card.from_dict(broken)
        assert info.value.field == field
        with pytest.raises(ll.InvalidInputError) as info:
            ll.Card.from_json(json.dumps(broken))
        assert info.value.field == field
    # An import is a door too: nothing of a refused export is stored.
    store = ll.Store(str(tmp_path / "s.db"))
    store.record_review("ann", reviewed, log)
    export = store.export_learner("ann")
    export["learner_id"] = "bob"
    export["cards"][0]["memory"]["stability"] = -1.0
    with pytest.raises(ll.InvalidInputError) as info:
        store.import_learner(export)
    assert info.value.field == "export.cards[0].memory.stability"
    assert len(store.cards("bob")) == 0


def test_review_many_is_all_or_nothing() -> None:
    fsrs = ll.Fsrs()
    good = ll.Card("a", NOW)
    reviewed, _ = fsrs.review(good, ll.Rating.EASY, NOW)
    later, _ = fsrs.review(reviewed, ll.Rating.GOOD, NOW + timedelta(days=20))
    with pytest.raises(ll.OutOfOrderError) as info:
        fsrs.review_many([reviewed, later], [3, 3], NOW + timedelta(days=9))
    assert info.value.field == "cards[1].now"
    with pytest.raises(ll.InvalidInputError) as info:
        fsrs.review_many([reviewed], [3, 3], NOW)
    assert info.value.field == "ratings"
    with pytest.raises(ll.InvalidInputError) as info:
        fsrs.review_many([reviewed], ["good"], NOW)
    assert info.value.field == "ratings[0]"


def test_batch_equals_one_by_one() -> None:
    fsrs = ll.Fsrs(desired_retention=0.85)
    cards = [ll.Card(f"c{i}", NOW) for i in range(300)]
    ratings = [ll.Rating.AGAIN, ll.Rating.HARD, ll.Rating.GOOD, ll.Rating.EASY] * 75
    batch = fsrs.review_many(cards, ratings, NOW)
    single = [fsrs.review(c, r, NOW)[0] for c, r in zip(cards, ratings)]
    assert batch == single


def test_one_scheduler_shared_by_eight_threads(in_eight_threads: "EightThreads") -> None:
    fsrs = ll.Fsrs()
    start = [ll.Card(f"t{i}", NOW) for i in range(200)]
    expected = [fsrs.review(c, ll.Rating.GOOD, NOW)[0] for c in start]
    results: list[list[ll.Card]] = [[] for _ in range(8)]

    def work(k: int) -> None:
        for _ in range(5):
            out = [fsrs.review(c, ll.Rating.GOOD, NOW)[0] for c in start]
            out2 = fsrs.review_many(start, [ll.Rating.GOOD] * len(start), NOW)
            assert out == out2
        results[k] = out

    errors = in_eight_threads(work)
    assert not errors, errors
    assert all(r == expected for r in results)


def test_queue_and_forecast() -> None:
    fsrs = ll.Fsrs()
    learned, _ = fsrs.review(ll.Card("a", NOW), ll.Rating.EASY, NOW)
    cards = [ll.Card("b", NOW), learned]
    later = NOW + timedelta(days=30)
    assert ll.due_queue(cards, later) == [1, 0]
    assert ll.due_queue(cards, later, new_limit=0) == [1]
    assert sum(ll.forecast(cards, NOW, 30)) == 1
    with pytest.raises(ll.InvalidInputError) as info:
        ll.due_queue(cards, later, order="alphabetical")  # type: ignore[arg-type]
    assert info.value.field == "order"
    with pytest.raises(ll.InvalidInputError) as info:
        ll.due_queue(cards, later, new_limt=3)  # type: ignore[call-arg]
    assert info.value.field == "new_limt"


def test_ratings_are_ints() -> None:
    assert int(ll.Rating.GOOD) == 3
    assert ll.Rating.EASY == 4
    assert ll.State.REVIEW == 2
    fsrs = ll.Fsrs()
    a = fsrs.review(ll.Card("x", NOW), 3, NOW)[0]
    b = fsrs.review(ll.Card("x", NOW), ll.Rating.GOOD, NOW)[0]
    assert a == b


def test_card_batch_reviews_in_place_like_review_many() -> None:
    fsrs = ll.Fsrs()
    start = [ll.Card.new(f"c{i}", NOW) for i in range(5)]
    ratings = [ll.Rating.AGAIN, ll.Rating.HARD, ll.Rating.GOOD, ll.Rating.EASY, 3]
    expected = fsrs.review_many(start, ratings, NOW)
    batch = ll.CardBatch(start)
    assert len(batch) == 5 and batch[-1] == start[4]
    fsrs.review_batch(batch, bytes([1, 2, 3, 4, 3]), NOW)
    assert batch.to_list() == expected
    again = ll.CardBatch(start)
    fsrs.review_batch(again, ratings, NOW)
    assert list(again) == expected
    assert ll.due_queue(batch, NOW + timedelta(days=30)) == ll.due_queue(expected, NOW + timedelta(days=30))
    assert ll.forecast(batch, NOW, 5) == ll.forecast(expected, NOW, 5)
    assert batch.due_timestamps()[3] == expected[3].due.timestamp()


def test_card_batch_errors_leave_it_unchanged() -> None:
    fsrs = ll.Fsrs()
    batch = ll.CardBatch.new_cards("n", 4, NOW)
    before = batch.to_list()
    with pytest.raises(ll.InvalidInputError) as e:
        fsrs.review_batch(batch, bytes([3, 3, 9, 3]), NOW)
    assert e.value.field == "ratings[2]"
    with pytest.raises(ll.InvalidInputError) as e:
        fsrs.review_batch(batch, bytes([3]), NOW)
    assert e.value.field == "ratings"
    with pytest.raises(ll.InvalidInputError):
        fsrs.review_batch(batch, "3333", NOW)
    fsrs.review_batch(batch, bytes([3, 3, 3, 3]), NOW + timedelta(days=1))
    reviewed = batch.to_list()
    with pytest.raises(ll.ReviewOrderError) as e:
        fsrs.review_batch(batch, bytes([3, 3, 3, 3]), NOW)
    assert e.value.field == "cards[0].now"
    assert batch.to_list() == reviewed != before
    with pytest.raises(ll.InvalidInputError):
        fsrs.review_batch(batch, bytes([3, 3, 3, 3]), datetime(2026, 1, 9))
    with pytest.raises(IndexError):
        batch[4]
    batch[0] = before[0]
    assert batch[0] == before[0]
    with pytest.raises(ll.InvalidInputError):
        ll.due_queue(["not a card"], NOW)  # type: ignore[list-item]


def test_card_batch_checks_cards_that_came_in_after_a_review() -> None:
    # A reviewed batch skips checking its cards; a card set or appended
    # later with a later review must bring the check back.
    fsrs = ll.Fsrs()
    batch = ll.CardBatch.new_cards("n", 3, NOW)
    fsrs.review_batch(batch, bytes([3, 3, 3]), NOW)
    later, _ = fsrs.review(batch[1], ll.Rating.GOOD, NOW + timedelta(days=5))
    for put in (lambda: batch.__setitem__(1, later), lambda: batch.append(later)):
        put()
        before = batch.to_list()
        with pytest.raises(ll.ReviewOrderError) as e:
            fsrs.review_batch(batch, bytes([3]) * len(batch), NOW + timedelta(days=2))
        assert e.value.field == "cards[1].now"
        assert batch.to_list() == before
    fsrs.review_batch(batch, bytes([3]) * len(batch), NOW + timedelta(days=6))
    assert all(c.last_review == NOW + timedelta(days=6) for c in batch)


def test_one_card_batch_shared_by_eight_threads(in_eight_threads: "EightThreads") -> None:
    fsrs = ll.Fsrs()
    batch = ll.CardBatch.new_cards("t", 20_000, NOW)

    def work(_: int) -> None:
        for _ in range(3):
            fsrs.review_batch(batch, bytes([3]) * len(batch), NOW + timedelta(days=400))
            ll.due_queue(batch, NOW)
            batch[7]

    assert in_eight_threads(work) == []
    assert {batch[i].reps for i in (0, 7, 19_999)} == {24}


def test_reschedule_and_cards_from_mistakes() -> None:
    card = ll.Card("c", NOW)
    later = NOW + timedelta(days=3)
    assert ll.reschedule(card, later, NOW).due == later
    with pytest.raises(ll.InvalidInputError) as err:
        ll.reschedule(card, NOW - timedelta(days=1), NOW)
    assert err.value.field == "due"
    answers = [
        {"question_id": "q1", "correct": False},
        {"question_id": "q2", "correct": True},
        {"question_id": "q1", "correct": False},
        {"question_id": "q3", "correct": False},
    ]
    cards = ll.cards_from_mistakes(answers, NOW, [ll.Card("q3", NOW)])
    assert [c.id for c in cards] == ["q1"]
    assert cards[0].due == NOW
    with pytest.raises(ll.InvalidInputError) as err:
        ll.cards_from_mistakes([{"question_id": "q1"}], NOW)
    assert err.value.field.startswith("answers")


def test_small_rules_come_from_the_core() -> None:
    assert ll.fuzz_range(10, 36500) == (8, 12)
    assert ll.fuzz_range(2, 36500) == (2, 2)
    assert 0.0 <= ll.fuzz_factor("card-1", 3) < 1.0
    assert ll.fuzz_factor("card-1", 3) == ll.fuzz_factor("card-1", 3)
    assert [r.is_pass() for r in (ll.Rating.AGAIN, ll.Rating.HARD, ll.Rating.GOOD, ll.Rating.EASY)] == [
        False,
        True,
        True,
        True,
    ]
    assert [ll.Sm2.quality_of(r) for r in (1, 2, 3, 4)] == [2, 3, 4, 5]
    assert ll.is_mastered(ll.MASTERY_THRESHOLD) and not ll.is_mastered(0.5)
    assert ll.is_mastered(0.5, 0.4)
    fsrs = ll.Fsrs()
    assert fsrs.review_interval(10.0) == 10  # at 0.9 retention, stability is the interval
    s, d = fsrs.memory_state_from_sm2(2.5, 10.0, 0.9)
    assert s > 0 and 1 <= d <= 10
    with pytest.raises(ll.InvalidInputError):
        fsrs.memory_state_from_sm2(0.5, 10.0, 0.9)


def test_load_balancing_reads_the_load_given() -> None:
    fsrs = ll.Fsrs(enable_fuzzing=True, load_balancing=True)
    card = ll.Card("c", NOW)
    for _ in range(4):
        card, _ = fsrs.review(card, ll.Rating.GOOD, card.due)
    at = card.due
    unshaped, _ = ll.Fsrs().review(card, ll.Rating.GOOD, at)
    days = (unshaped.due - at).days
    low, high = ll.fuzz_range(days, 36500)
    assert low < high, "the interval is long enough to be fuzzed"
    for quiet in (low, high):
        load = [1000] * (high + 1)
        load[quiet] = 0
        balanced, _ = fsrs.review(card, ll.Rating.GOOD, at, load=load)
        assert (balanced.due - at).days == quiet
        assert fsrs.preview(card, at, load=load)[ll.Rating.GOOD].due == balanced.due


def test_session_documents_upgrade() -> None:
    sessions = ROOT / "tests/fixtures/sessions"
    legacy = json.loads((sessions / "v1_legacy.json").read_text())
    assert ll.session_version(legacy) == 1
    upgraded = ll.upgrade_session(legacy)
    assert ll.session_version(upgraded) > 1
    assert ll.session_from_json((sessions / "v1_legacy.json").read_text()) == upgraded
    with pytest.raises(ll.VersionTooNewError):
        ll.upgrade_session(json.loads((sessions / "v3_newer.json").read_text()))
    with pytest.raises(ll.InvalidInputError):
        ll.session_from_json("[1, 2]")


def test_memory_state_continues_from_a_start() -> None:
    fsrs = ll.Fsrs()
    whole = fsrs.memory_state([(ll.Rating.GOOD, 0), (ll.Rating.GOOD, 3), (ll.Rating.HARD, 7)])
    first = fsrs.memory_state([(ll.Rating.GOOD, 0), (ll.Rating.GOOD, 3)])
    assert fsrs.memory_state([(ll.Rating.HARD, 7)], start=first) == whole
    with pytest.raises(ll.InvalidInputError):
        fsrs.memory_state([(ll.Rating.GOOD, 1)], start=(float("nan"), 5.0))
    assert fsrs.retrievability_after(10.0, 10.0) == pytest.approx(0.9, abs=1e-12)
