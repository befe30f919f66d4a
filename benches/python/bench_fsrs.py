#!/usr/bin/env python3
"""learnloop's Python package against py-fsrs (the reference, `pip install fsrs`)
doing the same reviews in the same process.

    python benches/python/bench_fsrs.py            # full run
    python benches/python/bench_fsrs.py --quick    # smoke run (used by the test command)

Per call: one `review` of a card that is already in review (both libraries,
fuzzing off). Batch: 100,000 due cards reviewed at once against a Python loop
over py-fsrs `review_card`, which is how py-fsrs users review many cards.
Two learnloop batch forms are timed: `review_many` (list of `Card` in, new
list out) and `review_batch` (a `CardBatch` reviewed in place, ratings as
bytes). The batch is built before timing, as py-fsrs's cards are.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

import fsrs as pyfsrs

import learnloop as ll

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def best_of(runs: int, fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def review_state_cards(n: int) -> tuple[list[ll.Card], list[pyfsrs.Card], datetime]:
    """n cards in the review state, the same in both libraries, all due at `later`."""
    ours = ll.Fsrs()
    theirs = pyfsrs.Scheduler(enable_fuzzing=False)
    c_ours = ll.Card("0", NOW)
    c_ours, _ = ours.review(c_ours, ll.Rating.GOOD, NOW)
    c_ours, _ = ours.review(c_ours, ll.Rating.GOOD, c_ours.due)
    c_theirs = pyfsrs.Card(card_id=0, due=NOW)
    c_theirs, _ = theirs.review_card(c_theirs, pyfsrs.Rating.Good, NOW)
    c_theirs, _ = theirs.review_card(c_theirs, pyfsrs.Rating.Good, c_theirs.due)
    assert abs(c_ours.stability - c_theirs.stability) < 1e-9  # type: ignore[operator]
    later = c_ours.due + timedelta(days=1)
    return [c_ours] * n, [c_theirs] * n, later


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    calls = 2_000 if args.quick else 20_000
    batch = 10_000 if args.quick else 100_000
    runs = 1 if args.quick else 3

    ours = ll.Fsrs()
    theirs = pyfsrs.Scheduler(enable_fuzzing=False)
    (c_ours, *_), (c_theirs, *_), later = review_state_cards(1)

    def per_call_ours() -> None:
        for _ in range(calls):
            ours.review(c_ours, ll.Rating.GOOD, later)

    def per_call_theirs() -> None:
        for _ in range(calls):
            theirs.review_card(c_theirs, pyfsrs.Rating.Good, later)

    t_ours = best_of(runs, per_call_ours) / calls
    t_theirs = best_of(runs, per_call_theirs) / calls

    cards_ours, cards_theirs, later = review_state_cards(batch)
    ratings = [ll.Rating.GOOD] * batch

    def batch_ours() -> None:
        ours.review_many(cards_ours, ratings, later)

    def batch_theirs() -> None:
        for c in cards_theirs:
            theirs.review_card(c, pyfsrs.Rating.Good, later)

    b_ours = best_of(runs, batch_ours)
    b_theirs = best_of(1, batch_theirs)

    rating_bytes = bytes([3]) * batch
    b_inplace = float("inf")
    for _ in range(runs * 3):
        fresh = ll.CardBatch(cards_ours)  # a fresh copy: review_batch changes it
        start = time.perf_counter()
        ours.review_batch(fresh, rating_bytes, later)
        b_inplace = min(b_inplace, time.perf_counter() - start)
    assert fresh[batch - 1] == ours.review_many(cards_ours[:1], ratings[:1], later)[0]

    # Same answers: the batch result equals py-fsrs on the same card.
    got = ours.review_many(cards_ours[:1], ratings[:1], later)[0]
    want, _ = theirs.review_card(cards_theirs[0], pyfsrs.Rating.Good, later)
    assert abs(got.stability - want.stability) <= 1e-9 * want.stability  # type: ignore[operator]
    assert got.due == want.due

    print(f"py-fsrs {pyfsrs.__version__ if hasattr(pyfsrs, '__version__') else ''}".strip())
    print(f"per call  learnloop {t_ours * 1e6:8.2f} us   py-fsrs {t_theirs * 1e6:8.2f} us   ratio {t_theirs / t_ours:6.1f}x")
    print(f"review_many  {batch:,}  learnloop {b_ours * 1e3:8.2f} ms   py-fsrs {b_theirs * 1e3:8.1f} ms   ratio {b_theirs / b_ours:6.1f}x")
    print(f"review_batch {batch:,}  learnloop {b_inplace * 1e3:8.2f} ms   py-fsrs {b_theirs * 1e3:8.1f} ms   ratio {b_theirs / b_inplace:6.1f}x")


if __name__ == "__main__":
    main()
