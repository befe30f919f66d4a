"""learnloop.Store from Python: sessions, reviews, privacy, errors, threads."""

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import learnloop as ll

if TYPE_CHECKING:
    from conftest import EightThreads

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def legacy_session() -> dict:
    """A seed-000 document from before the adaptive fields (no schemaVersion)."""
    return json.loads((ROOT / "tests/fixtures/sessions/v1_firestore_times.json").read_text())


def test_session_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "learner.db"
    store = ll.Store(path)
    assert store.schema_version() >= 3
    store.save_session("learner-1", "session-1", legacy_session())
    state = store.adaptive_state("session-1")
    state["adaptiveDifficultyLevel"] = 0.72
    state["detectedLearningStyle"] = "visual"
    store.save_adaptive_state("session-1", state, NOW)
    del store

    reopened = ll.Store(str(path))
    assert reopened.adaptive_state("session-1") == state
    doc = reopened.load_session("session-1")
    assert doc["metadata"]["schemaVersion"] == 2
    assert doc["adaptiveState"] == state
    [summary] = reopened.active_sessions("learner-1", 10)
    assert summary["id"] == "session-1"
    reopened.set_session_state("session-1", "completed", at=NOW)
    assert reopened.active_sessions("learner-1", 10) == []


def test_adaptation_history_in_time_order() -> None:
    store = ll.Store.in_memory()
    store.save_session("learner-1", "s", legacy_session())
    for i in range(3):
        store.append_adaptation(
            "s",
            {
                "timestamp": (NOW + timedelta(minutes=i)).isoformat(),
                "questionId": f"q{i}",
                "adaptiveDifficulty": 0.5 + i / 10,
                "adaptationReasoning": "three correct answers in a row",
                "performanceContext": 0.8,
            },
        )
    history = store.adaptation_history("s")
    assert [r["questionId"] for r in history] == ["q0", "q1", "q2"]
    later = store.adaptation_history("s", since=NOW + timedelta(minutes=1))
    assert [r["questionId"] for r in later] == ["q1", "q2"]


def test_reviews_and_due_queue_from_the_database() -> None:
    store = ll.Store.in_memory()
    fsrs = ll.Fsrs()
    batch = ll.CardBatch.new_cards("c", 50, NOW)
    store.put_cards("learner-1", batch, NOW)
    assert len(store.cards("learner-1")) == 50
    card, log = fsrs.review(store.card("learner-1", "c0"), ll.Rating.GOOD, NOW)
    store.record_review("learner-1", card, log)
    assert store.card("learner-1", "c0") == card
    assert store.review_logs("learner-1", "c0") == [log]
    reviews = [
        fsrs.review(store.card("learner-1", f"c{i}"), ll.Rating.EASY, NOW) for i in range(1, 5)
    ]
    store.record_reviews("learner-1", reviews)
    later = NOW + timedelta(days=30)
    queue = store.due_queue("learner-1", later, new_limit=5)
    cards = store.cards("learner-1").to_list()
    expected = [cards[i] for i in ll.due_queue(cards, later, new_limit=5)]
    assert queue == expected
    assert store.forecast("learner-1", NOW, 7) == ll.forecast(cards, NOW, 7)


def test_privacy_export_import_erase_and_analytics() -> None:
    store = ll.Store.in_memory()
    fsrs = ll.Fsrs()
    store.save_session("learner-1", "s", legacy_session())
    card, log = fsrs.review(ll.Card.new("c", NOW), ll.Rating.GOOD, NOW)
    store.record_review("learner-1", card, log)
    store.append_events(
        "learner-1",
        [{"device": "phone", "seq": 1, "at": NOW.isoformat(), "kind": "answer",
          "payload": {"correct": True}}],
    )
    assert store.consent("learner-1", "analytics") is None
    assert store.analytics_export(b"k" * 32) == []
    store.set_consent("learner-1", "analytics", True, NOW)
    assert store.consent("learner-1", "analytics")["granted"] is True
    [record] = store.analytics_export(b"k" * 32)
    assert "learner-1" not in json.dumps(record)

    export = store.export_learner("learner-1")
    other = ll.Store.in_memory()
    other.import_learner(json.loads(json.dumps(export)))
    assert other.export_learner("learner-1") == export

    assert store.erase_learner("learner-1") > 0
    with pytest.raises(ll.NotFoundError) as e:
        store.load_session("s")
    assert e.value.code == "not_found"
    assert store.events("learner-1") == []
    actions = [entry["action"] for entry in store.audit_log("learner-1")]
    assert actions[0] == "save_session" and actions[-1] == "erase"
    assert all(entry["subject"] == store.audit_subject("learner-1")
               for entry in store.audit_log("learner-1"))


def test_a_database_image_reopens_in_memory(tmp_path: Path) -> None:
    store = ll.Store(tmp_path / "image.db")
    card, log = ll.Fsrs().review(ll.Card.new("c", NOW), ll.Rating.GOOD, NOW)
    store.record_review("learner", card, log)
    copy = ll.Store.from_bytes(store.to_bytes())
    assert copy.card("learner", "c") == card
    with pytest.raises(ll.InvalidInputError) as e:
        ll.Store.from_bytes(b"SQLite format 2")
    assert e.value.field == "bytes"


def test_retention_purges_old_events() -> None:
    store = ll.Store.in_memory()
    events = [
        {"device": "web", "seq": i, "at": (NOW + timedelta(days=i)).isoformat(),
         "kind": "answer", "payload": {}}
        for i in range(10)
    ]
    assert store.append_events("learner-1", events) == 10
    assert store.append_events("learner-1", events) == 0  # idempotent
    assert store.purge_events_before(NOW + timedelta(days=4)) == 4
    assert [e["seq"] for e in store.events("learner-1")] == list(range(4, 10))


def test_typed_errors_name_the_field(tmp_path: Path) -> None:
    store = ll.Store.in_memory()
    with pytest.raises(ll.NotFoundError) as e:
        store.adaptive_state("missing")
    assert e.value.field == "session"
    with pytest.raises(ll.InvalidInputError) as e2:
        store.save_session("", "s", legacy_session())
    assert e2.value.field == "learner_id"
    with pytest.raises(ll.InvalidInputError) as e3:
        store.set_consent("l", "marketing", True, NOW)
    assert e3.value.field == "purpose"
    with pytest.raises(ll.InvalidInputError):
        store.save_adaptive_state("s", {"adaptiveDifficultyLevel": "high"}, NOW)
    with pytest.raises(ll.InvalidInputError):
        store.set_consent("l", "analytics", True, datetime(2026, 1, 5))  # naive
    with pytest.raises(ll.InvalidInputError) as e4:
        ll.Store(tmp_path / "x.db", durability="sometimes")
    assert e4.value.field == "durability"
    # A database from a newer learnloop is refused, and left as it was.
    path = tmp_path / "newer.db"
    ll.Store(path)
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO learnloop_migrations VALUES (99, 'future', 'x', 0)")
    with pytest.raises(ll.VersionTooNewError) as e5:
        ll.Store(path)
    assert e5.value.code == "version_too_new"
    assert issubclass(ll.StorageError, ll.LearnloopError)
    assert issubclass(ll.MigrationChangedError, ll.LearnloopError)


def test_hostile_strings_round_trip() -> None:
    store = ll.Store.in_memory()
    hostile = "'; DROP TABLE cards; --\"\u202e" + "x" * 100_000
    store.put_cards(hostile, [ll.Card.new(hostile, NOW)], NOW)
    assert store.card(hostile, hostile).id == hostile
    # Ids are refused empty or with NUL, the same everywhere.
    for bad in ["", "a\x00b"]:
        with pytest.raises(ll.InvalidInputError):
            ll.Card(bad, NOW)
        with pytest.raises(ll.InvalidInputError) as info:
            store.put_cards(bad, [], NOW)
        assert info.value.field == "learner_id"
    with pytest.raises(ll.InvalidInputError) as info:
        store.record_review("\ud800", ll.Card("c", NOW), ll.Fsrs().review(ll.Card("c", NOW), 3, NOW)[1])
    assert info.value.field == "learner_id"


def test_eight_threads_share_one_store_and_lose_nothing(
    tmp_path: Path, in_eight_threads: "EightThreads"
) -> None:
    store = ll.Store(tmp_path / "threads.db")
    fsrs = ll.Fsrs()

    def writer(t: int) -> None:
        for i in range(25):
            card, log = fsrs.review(ll.Card.new(f"t{t}-c{i}", NOW), ll.Rating.GOOD, NOW)
            store.record_review(f"learner-{t % 2}", card, log)

    assert in_eight_threads(writer) == []
    assert len(store.cards("learner-0")) + len(store.cards("learner-1")) == 200


def test_eight_stores_on_one_file_never_report_locked(
    tmp_path: Path, in_eight_threads: "EightThreads"
) -> None:
    path = tmp_path / "shared.db"
    ll.Store(path)

    def writer(t: int) -> None:
        own = ll.Store(path)
        for i in range(20):
            own.put_cards("learner", [ll.Card.new(f"t{t}-c{i}", NOW)], NOW)

    assert in_eight_threads(writer) == []
    assert len(ll.Store(path).cards("learner")) == 160


def test_session_state_names_come_from_the_core() -> None:
    store = ll.Store.in_memory()
    with pytest.raises(ll.InvalidInputError) as err:
        store.set_session_state("s", "paused", at=NOW)  # type: ignore[arg-type]
    assert err.value.field == "state"
