"""Sync from Python: replicas exchange change sets (bytes), converge to the
same state and digest; the stored replica survives a reopen; bad input and
conflicts raise the library's typed errors."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import learnloop

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def review(card: str, rating: int, at: datetime) -> dict:
    return {"kind": "review", "card": card, "rating": rating, "reviewed_at": at}


def answer(session: str, question: str, correct: bool, at: datetime) -> dict:
    return {
        "kind": "answer",
        "session": session,
        "interaction": {"question_id": question, "correct": correct, "at": at},
    }


def test_two_devices_offline_converge_and_both_reviews_count() -> None:
    phone, laptop = learnloop.Replica("phone"), learnloop.Replica("laptop")
    phone.record({"kind": "card_added", "card": "c1", "at": T0}, T0)
    laptop.apply(phone.changes_since(laptop.vector()), T0)
    phone.record(review("c1", 3, T0 + timedelta(minutes=1)), T0)
    laptop.record(review("c1", 1, T0 + timedelta(minutes=2)), T0)
    laptop.apply(phone.changes_since(laptop.vector()), T0)
    phone.apply(laptop.changes_since(phone.vector()), T0)
    assert phone.state() == laptop.state()
    assert phone.digest() == laptop.digest()
    assert phone.state()["cards"]["c1"]["reps"] == 2
    assert phone.vector() == {"laptop": 1, "phone": 2}


def test_apply_is_idempotent_and_reports_duplicates() -> None:
    a, b = learnloop.Replica("a"), learnloop.Replica("b")
    for q in range(5):
        a.record(answer("s1", f"q{q}", q % 2 == 0, T0 + timedelta(seconds=q)), T0)
    changes = a.changes_since()
    assert b.apply(changes, T0) == {"new": 5, "duplicates": 0}
    assert b.apply(changes, T0) == {"new": 0, "duplicates": 5}
    assert len(b.state()["sessions"]["s1"]["history"]) == 5


def test_registers_and_a_newer_kind_in_json() -> None:
    a = learnloop.Replica("a")
    a.record({"kind": "register", "register": "theme", "op": {"set": '"dark"'}}, T0)
    a.record({"kind": "register", "register": "xp", "op": {"add": 5}}, T0)
    assert a.state()["registers"]["set"] == {"theme": '"dark"'}
    assert a.state()["registers"]["counter"] == {"xp": 5}


def test_bad_bodies_name_the_field() -> None:
    a = learnloop.Replica("a")
    with pytest.raises(learnloop.InvalidInputError) as bad_rating:
        a.record(review("c1", 7, T0), T0)
    assert bad_rating.value.field == "body.rating"
    with pytest.raises(learnloop.InvalidInputError) as empty_card:
        a.record({"kind": "card_added", "card": "", "at": T0}, T0)
    assert empty_card.value.field == "body.card"
    with pytest.raises(learnloop.InvalidInputError) as naive:
        a.record(review("c1", 3, T0), datetime(2026, 1, 5))
    assert naive.value.field == "now"
    with pytest.raises(learnloop.InvalidInputError) as kind:
        a.record({"kind": "teleport"}, T0)
    assert kind.value.field == "body.kind"
    with pytest.raises(learnloop.InvalidInputError):
        a.apply(b"\x01garbage", T0)
    with pytest.raises(learnloop.VersionTooNewError):
        a.apply(b"\x09from a newer app", T0)
    with pytest.raises(learnloop.InvalidInputError):
        learnloop.Replica("a", scheduler="fsrs")  # type: ignore[arg-type]
    assert a.digest() == 0 and a.vector() == {}


def test_the_same_event_id_with_other_content_is_a_conflict() -> None:
    first, impostor, backend = (
        learnloop.Replica("phone"),
        learnloop.Replica("phone"),
        learnloop.Replica("backend"),
    )
    first.record(review("c1", 3, T0), T0)
    impostor.record(review("c1", 1, T0), T0)
    backend.apply(first.changes_since(), T0)
    with pytest.raises(learnloop.ConflictError):
        backend.apply(impostor.changes_since(), T0)
    assert backend.digest() == first.digest()


def test_a_stored_replica_resumes_after_reopen_and_writes_derived_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "backend.db"
    store = learnloop.Store(path)
    backend = store.replica("ada", "backend", T0)
    phone = learnloop.Replica("phone")
    phone.record({"kind": "card_added", "card": "c1", "at": T0}, T0)
    phone.record(review("c1", 3, T0), T0)
    phone.record(answer("s1", "q1", True, T0), T0)
    assert backend.apply(phone.changes_since(backend.vector()), T0)["new"] == 3
    assert store.card("ada", "c1").reps == 1
    assert store.adaptive_state("s1") == backend.state()["sessions"]["s1"]["state"]
    assert backend.outbox("phone") != b""
    backend.acknowledge("phone", phone.vector())
    digest = backend.digest()
    del backend, store

    store = learnloop.Store(path)
    again = store.replica("ada", "backend", T0)
    assert again.digest() == digest == phone.digest()
    assert again.state() == phone.state()
    with pytest.raises(learnloop.InvalidInputError) as wrong:
        store.replica("ada", "laptop", T0)
    assert wrong.value.field == "device"


FIXTURE = Path(__file__).resolve().parents[2] / "tests/fixtures/conformance/sync.json"


@pytest.mark.parametrize("case", json.loads(FIXTURE.read_text())["cases"], ids=lambda c: c["name"])
def test_the_golden_fold_is_bit_identical(case: dict) -> None:
    receiver = learnloop.Replica(case["device"])
    now = datetime.fromisoformat(case["now"].replace("Z", "+00:00"))
    for hex_bytes in case["change_sets"]:
        receiver.apply(bytes.fromhex(hex_bytes), now)
    expected = case["expected"]
    # Through JSON, as the fixture was written (tuples become lists).
    assert json.loads(json.dumps(receiver.state())) == expected["state"]
    assert receiver.vector() == expected["vector"]
    assert str(receiver.digest()) == expected["digest"]


def test_an_apps_own_kind_is_kept_and_forwarded_not_folded() -> None:
    a, b = learnloop.Replica("a"), learnloop.Replica("b")
    made = a.record_other("streak_freeze", 2, b"\x01\x02", T0)
    assert (made["kind"], made["version"], made["seq"]) == ("streak_freeze", 2, 1)
    b.apply(a.changes_since(), T0)
    assert b.state()["unknown"] == 1 and b.digest() == a.digest()
    with pytest.raises(learnloop.InvalidInputError) as own:
        a.record_other("review", 1, b"", T0)
    assert own.value.field == "kind"


def test_a_backend_compacts_and_a_stale_phone_resyncs_from_its_snapshot(tmp_path: Path) -> None:
    store = learnloop.Store(tmp_path / "backend.db")
    backend = store.replica("ada", "backend", T0)
    phone = learnloop.Replica("phone")
    for q in range(6):
        phone.record(answer("s1", f"q{q}", q % 2 == 0, T0 + timedelta(minutes=q)), T0)
    backend.apply(phone.changes_since(backend.vector()), T0)
    phone.apply(backend.changes_since(phone.vector()), T0)
    assert backend.compact(T0) == 0, "no phone clock reported yet"
    backend.acknowledge("phone", phone.vector(), phone.clock())
    # The last answer, stamped at the clock the phone reported, stays.
    assert backend.compact(T0) == 5

    # A tablet that answered offline an hour later, then meets the backend.
    later = T0 + timedelta(hours=1)
    tablet = learnloop.Replica("tablet")
    tablet.record(review("c1", 3, later), later)
    with pytest.raises(learnloop.ConflictError) as behind:
        tablet.apply(backend.changes_since(tablet.vector()), T0)
    assert behind.value.code == "resync_needed"
    tablet.resync(backend.snapshot())
    tablet.apply(backend.changes_since(tablet.vector()), T0)
    backend.apply(tablet.changes_since(backend.vector()), T0)
    assert tablet.state() == backend.state()
    assert tablet.digest() == backend.digest()
    assert len(tablet.state()["sessions"]["s1"]["answers"]) == 6
    with pytest.raises(learnloop.InvalidInputError) as garbage:
        tablet.resync(b"\x01{")
    assert garbage.value.field.startswith("snapshot")


def test_a_forgotten_peer_no_longer_holds_back_compaction(tmp_path: Path) -> None:
    store = learnloop.Store(tmp_path / "backend.db")
    backend = store.replica("ada", "backend", T0)
    phone = learnloop.Replica("phone")
    for q in range(4):
        phone.record(answer("s1", f"q{q}", True, T0 + timedelta(minutes=q)), T0)
    backend.apply(phone.changes_since(backend.vector()), T0)
    backend.acknowledge("phone", phone.vector(), phone.clock())
    backend.acknowledge("old-tablet", {})
    assert backend.peers() == ["old-tablet", "phone"]
    assert backend.compact(T0) == 0, "the tablet never reported"
    assert backend.forget_peer("old-tablet") is True
    assert backend.forget_peer("old-tablet") is False
    assert backend.peers() == ["phone"]
    assert backend.compact(T0) == 3
    with pytest.raises(learnloop.InvalidInputError) as empty:
        backend.forget_peer("")
    assert empty.value.field == "peer"


def test_an_in_memory_replica_compacts_what_the_others_reported() -> None:
    phone, laptop = learnloop.Replica("phone"), learnloop.Replica("laptop")
    for q in range(4):
        at = T0 + timedelta(minutes=q)
        phone.record(answer("s1", f"q{q}", True, at), at)
    laptop.apply(phone.changes_since(laptop.vector()), T0)
    assert phone.compact([]) == 0, "nobody reported: nothing is compacted"
    assert phone.compact([(laptop.vector(), laptop.clock())]) == 3
    fresh = learnloop.Replica("tablet")
    with pytest.raises(learnloop.ConflictError) as behind:
        fresh.apply(phone.changes_since(fresh.vector()), T0)
    assert behind.value.code == "resync_needed"
    fresh.resync(phone.snapshot())
    fresh.apply(phone.changes_since(fresh.vector()), T0)
    assert fresh.digest() == phone.digest()
    with pytest.raises(learnloop.InvalidInputError) as bad:
        phone.compact([({"laptop": -1}, 0)])
    assert bad.value.field.startswith("vector")
