"""Every object the package returns prints as what it holds, never as
`<learnloop.X object at 0x...>`."""

import inspect
from datetime import datetime, timezone

import learnloop as ll

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def instances() -> dict[str, object]:
    card = ll.Card("card-1", NOW)
    _, log = ll.Fsrs().review(card, ll.Rating.GOOD, NOW)
    return {
        "AdaptiveEngine": ll.AdaptiveEngine(seed=7),
        "AnkiSm2": ll.AnkiSm2(),
        "BktParameters": ll.BktParameters(0.3, 0.1, 0.2, 0.1),
        "Card": card,
        "CardBatch": ll.CardBatch([card]),
        "Elo": ll.Elo(),
        "Fsrs": ll.Fsrs(),
        "ItemParameters": ll.ItemParameters(1.2, 0.3),
        "ItemSelector": ll.ItemSelector("success_band", randomesque=3),
        "Pfa": ll.Pfa.fit([("s1", ["a"], True), ("s1", ["a"], False), ("s2", ["a"], True)]),
        "Rating": ll.Rating.GOOD,
        "ReviewLog": log,
        "Sm2": ll.Sm2(),
        "State": ll.State.REVIEW,
        "Store": ll.Store(":memory:"),
        "Replica": ll.Replica("phone"),
        "StoredReplica": ll.Store.in_memory().replica("ada", "backend", NOW),
    }


def test_every_class_of_the_package_has_a_readable_repr() -> None:
    classes = {
        name
        for name, value in vars(ll).items()
        if inspect.isclass(value) and not issubclass(value, BaseException) and not name.startswith("_")
    }
    made = instances()
    assert classes == set(made), "a class without an instance here: add one"
    for name, value in made.items():
        text = repr(value)
        assert " object at 0x" not in text, text
        assert text.startswith(name) or text.startswith(f"{name}."), text


def test_reprs_show_the_settings() -> None:
    assert '"desired_retention":0.9' in repr(ll.Fsrs())
    assert '"randomesque":3' in repr(ll.ItemSelector("success_band", randomesque=3))
    assert '"seed":7' in repr(ll.AdaptiveEngine(seed=7))
    assert repr(ll.Pfa.fit([("s1", ["a"], True), ("s2", ["a"], False)])).startswith("Pfa(intercept=")
