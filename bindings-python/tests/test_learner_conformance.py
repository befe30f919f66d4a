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


def item(d: dict[str, float]) -> ll.ItemParameters:
    return ll.ItemParameters(d["discrimination"], d["difficulty"], d["guessing"])


def cells(text: str) -> list[bool | None]:
    return [None if c == "." else c == "1" for c in text]


def item_dict(i: ll.ItemParameters) -> dict[str, float]:
    return {"discrimination": i.discrimination, "difficulty": i.difficulty, "guessing": i.guessing}


def run(case: dict[str, Any]) -> Any:
    op, x = case["op"], case["input"]
    if op == "elo_update":
        rating = lambda r: ll.EloRating(r["rating"], r["answers"])  # noqa: E731
        u = ll.Elo(x["alpha"], x["beta"]).update(rating(x["learner"]), rating(x["item"]), x["score"], x["options"])
        as_dict = lambda r: {"rating": r.rating, "answers": r.answers}  # noqa: E731
        return {"learner": as_dict(u.learner), "item": as_dict(u.item), "predicted": u.predicted}
    if op == "irt_item":
        i = item(x["item"])
        return {"probability": i.probability(x["theta"]), "information": i.information(x["theta"])}
    if op in ("irt_eap", "irt_mle"):
        items = [item(i) for i in x["items"]]
        if op == "irt_eap":
            e = ll.estimate_ability_eap(items, cells(x["responses"]), prior_mean=x["prior_mean"], prior_sd=x["prior_sd"])
        else:
            e = ll.estimate_ability_mle(items, cells(x["responses"]))
        return {"theta": e.theta, "standard_error": e.standard_error}
    if op == "irt_calibrate":
        fit = ll.calibrate([cells(r) for r in x["rows"]], model=x["model"])
        return {
            "items": [item_dict(i) for i in fit.items],
            "log_likelihood": fit.log_likelihood,
            "iterations": fit.iterations,
            "converged": fit.converged,
            "first_abilities": [{"theta": a.theta, "standard_error": a.standard_error} for a in fit.abilities[:3]],
        }
    if op == "irt_select":
        rule = x["rule"]
        selector = ll.ItemSelector(
            rule["rule"], low=rule.get("low", 0.7), high=rule.get("high", 0.85), randomesque=x["randomesque"]
        )
        chosen = selector.select([item(i) for i in x["items"]], x["theta"], administered=x["administered"], seed=x["seed"])
        return {"item": chosen}
    if op == "bkt_trace":
        p = x["parameters"]
        params = ll.BktParameters(p["prior"], p["learn"], p["guess"], p["slip"], forget=p["forget"])
        return {"predictions": params.predict_sequence(x["answers"]), "known": params.trace(x["answers"])}
    if op == "bkt_parameters":
        return ll.BktParameters(x["prior"], x["learn"], x["guess"], x["slip"], forget=x["forget"])
    if op == "bkt_fit":
        fits = ll.fit_bkt([tuple(a) for a in x["answers"]], forgetting=x["forgetting"])
        return [
            {
                "skill": f.skill,
                "parameters": {k: getattr(f.parameters, k) for k in ("prior", "learn", "forget", "guess", "slip")},
                "log_likelihood": f.log_likelihood,
                "answers": f.answers,
                "students": f.students,
                "iterations": f.iterations,
                "converged": f.converged,
            }
            for f in fits
        ]
    if op == "pfa":
        pfa = ll.Pfa.fit([tuple(a) for a in x["answers"]], x["l2"])
        return {
            "probability": pfa.probability([tuple(p) for p in x["practice"]]),
            "intercept": pfa.intercept,
            "skills": pfa.skills,
        }
    if op == "engine":
        c = dict(x["config"])
        elo = c.pop("elo")
        engine = ll.AdaptiveEngine(**c, elo=ll.Elo(elo["alpha"], elo["beta"]))
        state = engine.initial_state(when(x["start"]))
        seen = []
        for i in x["interactions"]:
            kwargs = dict(i)
            kwargs["at"] = when(kwargs["at"])
            o = engine.observe(state, **kwargs)
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
