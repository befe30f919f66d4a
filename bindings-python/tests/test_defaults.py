"""The defaults case of every options struct (tests/fixtures/conformance/
defaults.json): built with no arguments, the Python API uses exactly the
core's defaults, and a keyword argument changes only its own field."""

from typing import Any

import pytest

import learnloop as ll


def test_every_options_struct_defaults_to_the_cores(defaults: dict[str, Any]) -> None:
    names = set(defaults["options"])
    assert names == set(ll.OPTIONS_NAMES), "every options struct has a defaults case"
    for name, want in defaults["options"].items():
        assert ll.options(name) == want, name


def test_handles_built_with_no_arguments_hold_the_defaults(defaults: dict[str, Any]) -> None:
    want = defaults["options"]
    assert ll.Fsrs().options == want["fsrs"]
    assert ll.Sm2().options == want["sm2"]
    assert ll.AnkiSm2().options == want["anki_sm2"]
    assert ll.AdaptiveEngine().config == want["engine"]
    assert ll.ItemSelector().options == want["item_selector"]
    assert ll.Elo().options == want["elo"]
    assert ll.Store.in_memory().options == defaults["store"]


def test_a_keyword_changes_only_its_field(defaults: dict[str, Any]) -> None:
    fsrs = ll.Fsrs(desired_retention=0.8).options
    assert fsrs == {**defaults["options"]["fsrs"], "desired_retention": 0.8}
    queue = ll.options("queue", order="due", seed=7)
    assert queue == {**defaults["options"]["queue"], "order": "due", "seed": 7}
    with pytest.raises(ll.InvalidInputError) as e:
        ll.options("queue", new_limt=3)
    assert e.value.field == "new_limt"
    with pytest.raises(ll.InvalidInputError) as e:
        ll.options("no_such_options")  # type: ignore[arg-type]
    assert e.value.field == "options"
