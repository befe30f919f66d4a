"""Checked by `mypy --strict` in the test command: the stubs describe the API."""

from datetime import datetime, timedelta, timezone

import learnloop as ll


def schedule(cards: list[ll.Card], now: datetime) -> list[ll.Card]:
    fsrs = ll.Fsrs(desired_retention=0.9, learning_steps=[timedelta(minutes=1)], enable_fuzzing=True)
    sm2, anki = ll.Sm2(maximum_interval=365), ll.AnkiSm2(starting_ease=2.3)
    assert sm2.review(cards[0], 3, now)[0].reps == anki.review(cards[0], ll.Rating.GOOD, now)[0].reps
    defaults: dict[str, object] = ll.options("queue", order="due")
    card, log = fsrs.review(cards[0], ll.Rating.GOOD, now, duration_ms=3200)
    preview: dict[ll.Rating, ll.Card] = fsrs.preview(card, now)
    due: datetime = preview[ll.Rating.EASY].due
    stability, difficulty = fsrs.memory_state([(ll.Rating.AGAIN, 0), (3, 1)])
    states = fsrs.next_states((stability, difficulty), 0.9, 3)
    s, d, interval = states[ll.Rating.HARD]
    assert interval > 0 and log.scheduled_days >= 0 and due >= now
    order: list[int] = ll.due_queue(cards, now, order="due")
    counts: list[int] = ll.forecast(cards, now, 7)
    assert len(order) <= len(cards) and len(counts) == 7
    try:
        ll.Card.from_dict(card.to_dict())
    except ll.InvalidInputError as e:
        print(e.code, e.field)
    batch = ll.CardBatch(cards)
    fsrs.review_batch(batch, bytes([3] * len(batch)), now)
    fsrs.review_batch(batch, [ll.Rating.GOOD] * len(batch), now)
    first: ll.Card = batch[0]
    assert ll.due_queue(batch, now) is not None and first.reps >= 0
    return fsrs.review_many(cards, [ll.Rating.GOOD] * len(cards), now)


def persist(card: ll.Card, log: ll.ReviewLog, now: datetime) -> int:
    store = ll.Store.in_memory()
    store.record_review("learner", card, log)
    stored: ll.Card = store.card("learner", card.id)
    queue: list[ll.Card] = store.due_queue("learner", now, order="due")
    store.set_consent("learner", "analytics", True, now)
    export: dict[str, object] = store.export_learner("learner")
    try:
        store.adaptive_state("no-such-session")
    except ll.NotFoundError as e:
        print(e.code, e.field, export["format"])
    return len(queue) + stored.reps + store.erase_learner("learner")


def adapt(now: datetime) -> float:
    engine = ll.AdaptiveEngine(seed=1, elo={"alpha": 1.0, "beta": 0.05})
    state = engine.initial_state(now)
    seen = engine.observe(state, question_id="q1", correct=True, at=now, content_format="video")
    items = [ll.ItemParameters(1.2, -0.5), ll.ItemParameters(0.8, 0.5, 0.2)]
    fit: ll.Calibration = ll.calibrate([[True, None], [False, True], [True, False]], model="2PL")
    ability = ll.estimate_ability_eap(items, [True, None], mean=0.0)["theta"]
    chosen: int | None = ll.ItemSelector("success_band").select(fit["items"], ability)
    fits: list[ll.BktSkillFit] = ll.fit_bkt([("s", "k", True), ("s", "k", False)])
    pfa = ll.Pfa.fit([("s", ["k"], True), ("s", ["k"], False)])
    u = ll.Elo(alpha=1.0).update({}, {"rating": 0.5, "answers": 3}, 1.0, options=4)
    try:
        ll.estimate_ability_mle(items, [True, True])
    except ll.NotEstimableError as e:
        print(e.code, e.field, chosen)
    return (
        engine.predict_success(seen["state"], 0.5)
        + fits[0]["parameters"]["learn"]
        + pfa.probability([("k", 1, 1)])
        + u["predicted"]
        + ll.auc([0.2, 0.8], [False, True])
    )


if __name__ == "__main__":
    print(schedule([ll.Card.new("a", datetime.now(timezone.utc))], datetime.now(timezone.utc)))
