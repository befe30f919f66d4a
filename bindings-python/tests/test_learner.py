"""The learner models and the adaptive engine from Python: a session driven
answer by answer, persisted in the Store, and the unhappy paths."""

from datetime import datetime, timedelta, timezone

import pytest

import learnloop as ll

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def test_a_session_of_answers_adapts_and_explains() -> None:
    engine = ll.AdaptiveEngine(seed=3)
    state = engine.initial_state(T0)
    history = []
    trends = []
    for k in range(20):
        correct = k >= 5  # five misses, then a run of right answers
        seen = engine.observe(
            state,
            question_id=f"q{k}",
            correct=correct,
            at=T0 + timedelta(seconds=40 * k),
            response_time_ms=20_000,
            confidence=0.4 if k < 5 else 0.8,
            content_format=["video", "text"][k % 2],
        )
        state = seen["state"]
        history.append(seen["record"])
        trends.append(state["livePerformanceMetrics"]["performanceTrend"])
    metrics = state["livePerformanceMetrics"]
    # Improving while the window holds misses then hits; stable once it holds only hits.
    assert trends[4] == "stable" and trends[8] == "improving" and trends[-1] == "stable"
    assert metrics["sessionAverage"] == pytest.approx(15 / 20)
    assert 0.70 <= seen["nextPredictedSuccess"] <= 0.85
    assert seen["nextContentFormat"] in ("video", "text")
    assert history[-1]["adaptationReasoning"].startswith("Correct; understanding")
    levels = [h["adaptiveDifficulty"] for h in history]
    # Easier while missing, harder once the run of right answers starts.
    assert levels[:5] == sorted(levels[:5], reverse=True) and levels[0] < 0.5
    assert levels[-1] > levels[5] + 0.1
    assert engine.predict_success(state, 1.0) < engine.predict_success(state, 0.0)


def test_engine_state_round_trips_through_the_store() -> None:
    import json
    from pathlib import Path

    engine = ll.AdaptiveEngine()
    store = ll.Store.in_memory()
    doc = json.loads((Path(__file__).resolve().parents[2] / "tests/fixtures/sessions/v2_current.json").read_text())
    store.save_session("learner-1", "session-1", doc)
    state = store.adaptive_state("session-1")
    seen = engine.observe(state, question_id="q1", correct=True, at=T0, hints_used=1, content_format="quiz")
    store.save_adaptive_state("session-1", seen["state"], T0)
    store.append_adaptation("session-1", seen["record"])
    kept = store.adaptive_state("session-1")
    assert kept == seen["state"] and kept["learnerModel"]["answers"] == 1
    # The next answer continues from what the store kept.
    again = engine.observe(kept, question_id="q2", score=0.5, at=T0 + timedelta(minutes=1))
    assert again["state"]["learnerModel"]["answers"] == 2
    assert store.load_session("session-1")["questionAdaptationHistory"][-1] == seen["record"]


def test_engine_unhappy_paths() -> None:
    engine = ll.AdaptiveEngine()
    state = engine.initial_state(T0)
    with pytest.raises(ll.InvalidInputError) as e:
        engine.observe(state, question_id="q", correct=True, at=T0, confidence=1.5)
    assert e.value.field == "confidence"  # type: ignore[attr-defined]
    with pytest.raises(ll.InvalidInputError) as e:
        engine.observe(state, question_id="q", at=T0)
    assert e.value.field == "score"  # type: ignore[attr-defined]
    with pytest.raises(ll.InvalidInputError) as e:
        engine.observe(state, question_id="q", correct=True, score=1.0, at=T0)
    with pytest.raises(ll.InvalidInputError) as e:
        engine.observe({"adaptiveDifficultyLevel": "high"}, question_id="q", correct=True, at=T0)
    with pytest.raises(ll.InvalidInputError) as e:
        ll.AdaptiveEngine(success_band_low=0.9, success_band_high=0.8)
    assert e.value.field == "success_band_high"  # type: ignore[attr-defined]
    with pytest.raises(ll.InvalidInputError):
        engine.observe(state, question_id="q", correct=True, at=datetime(2026, 1, 1))  # naive time


def test_irt_calibration_and_ability() -> None:
    import random

    rng = random.Random(5)
    truth = [ll.ItemParameters(1.0 + 0.2 * j, -1.5 + 0.5 * j) for j in range(7)]
    rows = []
    for _ in range(2000):
        theta = rng.gauss(0, 1)
        rows.append([rng.random() < i.probability(theta) if rng.random() > 0.1 else None for i in truth])
    fit = ll.calibrate(rows)
    assert fit["converged"] and len(fit["abilities"]) == 2000
    assert max(abs(f["difficulty"] - t.difficulty) for f, t in zip(fit["items"], truth)) < 0.3
    est = ll.estimate_ability_eap(fit["items"], [True, True, True, False, True, False, False])
    assert 0.0 < est["theta"] < 2.0
    with pytest.raises(ll.NotEstimableError) as e:
        ll.estimate_ability_mle(fit["items"], [True] * 7)
    assert e.value.code == "not_estimable"  # type: ignore[attr-defined]
    with pytest.raises(ll.NotEstimableError) as e:
        ll.calibrate([[True, False], [True, True]])
    assert e.value.field == "responses.items[0]"  # type: ignore[attr-defined]
    with pytest.raises(ll.InvalidInputError) as e:
        ll.calibrate([[True, 2]])
    assert e.value.field == "responses[0][1]"  # type: ignore[attr-defined]
    with pytest.raises(ll.InvalidInputError):
        ll.calibrate(rows, model="4PL")
    nxt = ll.ItemSelector("success_band", low=0.7, high=0.85).select(fit["items"], 0.0, administered=[0])
    assert nxt is not None and 0.6 < ll.ItemParameters(**fit["items"][nxt]).probability(0.0) < 0.95
    assert ll.ItemSelector().options == ll.options("item_selector")


def test_bkt_elo_pfa_and_metrics() -> None:
    params = ll.BktParameters(0.2, 0.2, 0.2, 0.1)
    assert params.trace([True] * 10) > ll.MASTERY_THRESHOLD
    answers = []
    for s in range(200):
        known = s % 4 == 0
        for t in range(10):
            correct = (t * 7 + s) % 10 < (9 if known else 2)
            answers.append((f"s{s}", "fractions", correct))
            known = known or (s + t) % 5 == 0
    (fit,) = ll.fit_bkt(answers)
    assert fit["skill"] == "fractions" and fit["answers"] == 2000 and fit["parameters"]["slip"] <= 0.1
    elo = ll.Elo()
    u = elo.update({}, {}, 1.0, options=4)
    assert u["learner"]["rating"] > 0 > u["item"]["rating"] and u["predicted"] == 0.625
    with pytest.raises(ll.InvalidInputError):
        elo.update({}, {}, 2.0)
    with pytest.raises(ll.InvalidInputError) as e:
        elo.update({"rating": "high"}, {}, 1.0)  # type: ignore[typeddict-item]
    assert e.value.field == "learner.rating"  # type: ignore[attr-defined]
    pfa = ll.Pfa.fit([("a", ["x"], True), ("a", ["x"], False), ("b", ["x"], True)], l2=1.0)
    assert 0 < pfa.probability([("x", 1, 0)]) < 1
    with pytest.raises(ll.NotFoundError):
        pfa.probability([("y", 0, 0)])
    assert ll.auc([0.9, 0.1], [True, False]) == 1.0
    assert ll.rmse([1.0], [True]) == 0.0 and ll.log_loss([0.5], [True]) > 0


def test_numpy_and_dataframe_style_input() -> None:
    import numpy as np  # a dev requirement (the learner peers need it)
    rng = np.random.default_rng(3)
    theta = rng.normal(size=600)
    b = np.array([-1.0, -0.3, 0.4, 1.1])
    x = (rng.random((600, 4)) < 1 / (1 + np.exp(-(theta[:, None] - b[None, :])))).astype(np.int64)
    x[::7, 2] = -1  # mirt's code for "not answered"
    as_float = x.astype(float)
    as_float[as_float < 0] = np.nan  # NaN marks a missing answer too
    a = ll.calibrate(x)
    f = ll.calibrate(as_float)
    assert [i["difficulty"] for i in a["items"]] == [i["difficulty"] for i in f["items"]]
    assert a["items"][0]["difficulty"] < a["items"][3]["difficulty"]
    with pytest.raises(ll.InvalidInputError) as e:
        ll.calibrate(np.array([[0.5, 1.0], [1.0, 0.0]]))
    assert e.value.field == "responses[0][0]"  # type: ignore[attr-defined]
    # Integer user ids and 0/1 correctness, as a DataFrame's columns give them.
    users = np.repeat(np.arange(50), 6)
    correct = (rng.random(300) < 0.7).astype(np.int64)
    (fit,) = ll.fit_bkt(list(zip(users, ["algebra"] * 300, correct)))
    assert fit["students"] == 50 and fit["answers"] == 300
    with pytest.raises(ll.InvalidInputError) as e:
        ll.fit_bkt([("u1", "algebra", None)])
    assert e.value.field == "answers[0][2]"  # type: ignore[attr-defined]


def test_elo_fit_replays_a_history_and_test_information_sums_items() -> None:
    elo = ll.Elo()
    answers = [
        {"learner_id": "ann", "item_id": "q1", "score": 1.0},
        {"learner_id": "bob", "item_id": "q1", "score": 0.0, "options": 4},
        {"learner_id": "ann", "item_id": "q2", "score": 1.0},
    ]
    fit = elo.fit(answers)
    assert list(fit["learners"]) == ["ann", "bob"]
    assert fit["learners"]["ann"]["answers"] == 2
    assert len(fit["predicted"]) == 3
    first = elo.update({}, {}, 1.0)
    assert fit["predicted"][0] == first["predicted"]
    with pytest.raises(ll.InvalidInputError) as err:
        elo.fit([{"learner_id": "ann", "item_id": "q1", "score": 2.0}])
    assert err.value.field == "answers[0].score"
    items = [ll.ItemParameters(1.2, 0.0), ll.ItemParameters(0.8, 1.0)]
    assert ll.test_information(items, 0.3) == pytest.approx(sum(i.information(0.3) for i in items))
