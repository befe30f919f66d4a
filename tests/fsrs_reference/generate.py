#!/usr/bin/env python3
"""Generate the FSRS-6 conformance fixture from the reference implementation.

The fixture lets `cargo test` check learnloop against py-fsrs without Python.
Run it with py-fsrs installed (the version is pinned in requirements.txt):

    python3 -m venv ~/.cache/learnloop/pyref
    ~/.cache/learnloop/pyref/bin/pip install -r tests/fsrs_reference/requirements.txt
    ~/.cache/learnloop/pyref/bin/python tests/fsrs_reference/generate.py

It writes tests/fixtures/fsrs6_reference.json (or the path given as its only
argument). The output depends only on the seed below and the py-fsrs version,
so running it again reproduces the file byte for byte; the test command checks
exactly that.

Layout of the fixture:
  configs[i]     scheduler settings (parameters, desired_retention,
                 learning_steps / relearning_steps in seconds, maximum_interval)
  histories[j]   {"config": i, "card_id": str, "start": unix seconds,
                  "reviews": [[rating, seconds since previous review (since
                  start for the first), retrievability before the review,
                  state after (1 learning, 2 review, 3 relearning),
                  step after (-1 for none), stability, difficulty,
                  seconds from the review to the new due date], ...]}
  next_states[k] {"config": i, "stability", "difficulty", "days_elapsed",
                  "expected": [[stability, difficulty, rounded interval] x 4]}
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from importlib.metadata import version
from pathlib import Path

from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import (
    DEFAULT_PARAMETERS,
    LOWER_BOUNDS_PARAMETERS,
    UPPER_BOUNDS_PARAMETERS,
)

SEED = 20261121
N_HISTORIES = 10_000
N_NEXT_STATES = 2_000
OUT = Path(__file__).resolve().parents[1] / "fixtures" / "fsrs6_reference.json"


def num(x: float) -> float:
    # 12 significant digits keep the file small and are far below the 1e-4 tolerance.
    return float(f"{x:.12g}")


def random_parameters(rng: random.Random) -> list[float]:
    """A valid parameter set: defaults moved by up to 40 % inside the bounds."""
    out = []
    for w, lo, hi in zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS):
        v = w * rng.uniform(0.6, 1.4) if w > 0 else rng.uniform(lo, hi) * 0.2
        out.append(num(min(max(v, lo), hi)))
    # keep initial stabilities ordered, as any fitted set has them
    out[0:4] = sorted(out[0:4])
    return out


def make_configs(rng: random.Random) -> list[dict]:
    minute = 60
    configs = [
        dict(parameters=list(DEFAULT_PARAMETERS), desired_retention=0.9,
             learning_steps=[minute, 10 * minute], relearning_steps=[10 * minute],
             maximum_interval=36500),
        dict(parameters=list(DEFAULT_PARAMETERS), desired_retention=0.8,
             learning_steps=[minute, 10 * minute], relearning_steps=[10 * minute],
             maximum_interval=36500),
        dict(parameters=list(DEFAULT_PARAMETERS), desired_retention=0.95,
             learning_steps=[10 * minute], relearning_steps=[],
             maximum_interval=365),
        dict(parameters=list(DEFAULT_PARAMETERS), desired_retention=0.7,
             learning_steps=[], relearning_steps=[5 * minute, 60 * minute],
             maximum_interval=36500),
        dict(parameters=list(DEFAULT_PARAMETERS), desired_retention=0.9,
             learning_steps=[minute, 10 * minute, 60 * minute], relearning_steps=[10 * minute],
             maximum_interval=100),
    ]
    for _ in range(7):
        configs.append(dict(
            parameters=random_parameters(rng),
            desired_retention=num(rng.uniform(0.75, 0.97)),
            learning_steps=rng.choice([[minute, 10 * minute], [30], [], [minute, 5 * minute, 20 * minute]]),
            relearning_steps=rng.choice([[10 * minute], [], [minute, 15 * minute]]),
            maximum_interval=rng.choice([36500, 3650, 180]),
        ))
    return configs


def scheduler_for(c: dict) -> Scheduler:
    return Scheduler(
        parameters=c["parameters"],
        desired_retention=c["desired_retention"],
        learning_steps=[timedelta(seconds=s) for s in c["learning_steps"]],
        relearning_steps=[timedelta(seconds=s) for s in c["relearning_steps"]],
        maximum_interval=c["maximum_interval"],
        enable_fuzzing=False,
    )


def next_review_time(rng: random.Random, card: Card, now: datetime) -> datetime:
    """When the learner comes back: mostly on time, sometimes early, late or the same day."""
    due = card.due
    kind = rng.random()
    if kind < 0.55:
        t = due
    elif kind < 0.70:  # late by up to 60 days
        t = due + timedelta(seconds=rng.randint(0, 60 * 86400))
    elif kind < 0.82:  # early, anywhere between the last review and the due date
        span = max(int((due - now).total_seconds()), 0)
        t = now + timedelta(seconds=rng.randint(0, span))
    elif kind < 0.94:  # again within a few hours
        t = now + timedelta(seconds=rng.randint(0, 6 * 3600))
    else:  # a few days later regardless of the schedule
        t = now + timedelta(seconds=rng.randint(0, 5 * 86400))
    return max(t, now)


RATINGS = [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy]


def main() -> None:
    rng = random.Random(SEED)
    configs = make_configs(rng)
    schedulers = [scheduler_for(c) for c in configs]

    histories = []
    for j in range(N_HISTORIES):
        ci = rng.randrange(len(configs))
        sched = schedulers[ci]
        start = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(
            seconds=rng.randint(0, 2 * 365 * 86400))
        card = Card(card_id=j + 1, due=start)
        n = rng.randint(1, 16)
        weights = rng.choice([[15, 15, 55, 15], [40, 20, 30, 10], [5, 5, 30, 60], [25, 25, 25, 25]])
        now = start
        prev = start
        rows = []
        for _ in range(n):
            if card.last_review is not None:
                now = next_review_time(rng, card, now)
            rating = rng.choices(RATINGS, weights=weights)[0]
            r_before = sched.get_card_retrievability(card, now) if card.last_review else 0.0
            card, _ = sched.review_card(card, rating, now)
            rows.append([
                int(rating),
                int((now - prev).total_seconds()),
                num(r_before),
                int(card.state),
                -1 if card.step is None else card.step,
                num(card.stability),
                num(card.difficulty),
                int((card.due - now).total_seconds()),
            ])
            prev = now
        histories.append(dict(config=ci, card_id=str(j + 1), start=int(start.timestamp()), reviews=rows))

    next_states = []
    for _ in range(N_NEXT_STATES):
        ci = rng.randrange(len(configs))
        sched = schedulers[ci]
        s = num(10 ** rng.uniform(-2, 4))
        d = num(rng.uniform(1, 10))
        days = rng.choice([0, 0, 1, 2, 3, 7, 30, 100, 365, rng.randint(0, 3000)])
        expected = []
        for rating in RATINGS:
            if days == 0:
                s2 = sched._short_term_stability(stability=s, rating=rating)
            else:
                r = (1 + sched._FACTOR * days / s) ** sched._DECAY
                s2 = sched._next_stability(difficulty=d, stability=s, retrievability=r, rating=rating)
            d2 = sched._next_difficulty(difficulty=d, rating=rating)
            expected.append([num(s2), num(d2), sched._next_interval(stability=s2)])
        next_states.append(dict(config=ci, stability=s, difficulty=d, days_elapsed=days, expected=expected))

    doc = dict(
        reference=f"py-fsrs {version('fsrs')}",
        python=sys.version.split()[0],
        seed=SEED,
        generated_by="tests/fsrs_reference/generate.py",
        configs=configs,
        histories=histories,
        next_states=next_states,
    )
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): {len(histories)} histories, "
          f"{sum(len(h['reviews']) for h in histories)} reviews, {len(next_states)} next-state cases")


if __name__ == "__main__":
    main()
