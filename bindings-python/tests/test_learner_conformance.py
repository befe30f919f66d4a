"""The shared learner-model and engine cases
(tests/fixtures/conformance/learner.json), replayed through the Python API."""

from datetime import datetime
from typing import Any

import pytest

import learnloop as ll


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def same(got: Any, want: Any, path: str = "$") -> None:
    """Equal structures; floats to 1e-12 relative (both sides are the core's)."""
    if isinstance(want, float) or isinstance(got, float):
        assert isinstance(got, (int, float)) and isinstance(want, (int, float)), path
        assert abs(got - want) <= 1e-12 * max(abs(want), 1.0), f"{path}: {got} != {want}"
    elif isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), f"{path}: {sorted(got)} != {sorted(want)}"
        for k in want:
            same(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            same(g, w, f"{path}[{i}]")
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"


def cells(text: str) -> list[bool | None]:
    return [None if c == "." else c == "1" for c in text]


def run(case: dict[str, Any]) -> Any:
    """Results are the core's records as dicts: the fixture's own shapes."""
    op, x = case["op"], case["input"]
    if op == "elo_update":
        return ll.Elo(alpha=x["alpha"], beta=x["beta"]).update(x["learner"], x["item"], x["score"], options=x["options"])
    if op == "irt_item":
        i = ll.ItemParameters(**x["item"])
        return {"probability": i.probability(x["theta"]), "information": i.information(x["theta"])}
    if op == "irt_eap":
        return ll.estimate_ability_eap(x["items"], cells(x["responses"]), mean=x["prior_mean"], sd=x["prior_sd"])
    if op == "irt_mle":
        return ll.estimate_ability_mle(x["items"], cells(x["responses"]))
    if op == "irt_calibrate":
        fit = dict(ll.calibrate([cells(r) for r in x["rows"]], model=x["model"]))
        fit["first_abilities"] = fit.pop("abilities")[:3]
        return fit
    if op == "irt_select":
        selector = ll.ItemSelector(**x["rule"], randomesque=x["randomesque"])
        return {"item": selector.select(x["items"], x["theta"], administered=x["administered"], seed=x["seed"])}
    if op == "bkt_trace":
        p = x["parameters"]
        params = ll.BktParameters(p["prior"], p["learn"], p["guess"], p["slip"], forget=p["forget"])
        return {"predictions": params.predict_sequence(x["answers"]), "known": params.trace(x["answers"])}
    if op == "bkt_parameters":
        return ll.BktParameters(x["prior"], x["learn"], x["guess"], x["slip"], forget=x["forget"])
    if op == "bkt_fit":
        return ll.fit_bkt([tuple(a) for a in x["answers"]], forgetting=x["forgetting"])
    if op == "pfa":
        pfa = ll.Pfa.fit([tuple(a) for a in x["answers"]], l2=x["l2"])
        return {
            "probability": pfa.probability([tuple(p) for p in x["practice"]]),
            "intercept": pfa.intercept,
            "skills": pfa.skills,
        }
    if op == "engine":
        engine = ll.AdaptiveEngine(**x["config"])
        state = engine.initial_state(when(x["start"]))
        seen = []
        for i in x["interactions"]:
            o = engine.observe(state, **{**i, "at": when(i["at"])})
            state = o["state"]
            seen.append(o)
        return seen
    raise AssertionError(f"unknown op {op}")


def test_every_op_is_covered(learner_cases: list[dict[str, Any]]) -> None:
    ops = {c["op"] for c in learner_cases}
    assert ops == {
        "elo_update", "irt_item", "irt_eap", "irt_mle", "irt_calibrate", "irt_select",
        "bkt_trace", "bkt_parameters", "bkt_fit", "pfa", "engine",
    }


def test_learner_cases(learner_cases: list[dict[str, Any]]) -> None:
    for case in learner_cases:
        if "error" in case:
            with pytest.raises(ll.LearnloopError) as caught:
                run(case)
            assert caught.value.code == case["error"]["code"], case["name"]  # type: ignore[attr-defined]
            assert caught.value.field == case["error"]["field"], case["name"]  # type: ignore[attr-defined]
        else:
            same(run(case), case["expected"], case["name"])
