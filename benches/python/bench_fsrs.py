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


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_interleaved(rounds: int, ours, theirs, ours_per_round: int = 1) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best time of each side over `rounds` rounds, each running both sides
    back to back, so that a slow spell of a shared machine falls on both
    rather than on whichever side happened to run during it."""
    best_ours = best_theirs = float("inf")
    for _ in range(rounds):
        best_theirs = min(best_theirs, timed(theirs))
        for _ in range(ours_per_round):
            best_ours = min(best_ours, timed(ours))
    return best_ours, best_theirs


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
    runs = 1 if args.quick else 5

    ours = ll.Fsrs()
    theirs = pyfsrs.Scheduler(enable_fuzzing=False)
    (c_ours, *_), (c_theirs, *_), later = review_state_cards(1)

    def per_call_ours() -> None:
        for _ in range(calls):
            ours.review(c_ours, ll.Rating.GOOD, later)

    def per_call_theirs() -> None:
        for _ in range(calls):
            theirs.review_card(c_theirs, pyfsrs.Rating.Good, later)

    t_ours, t_theirs = best_interleaved(runs, per_call_ours, per_call_theirs)
    t_ours /= calls
    t_theirs /= calls

    cards_ours, cards_theirs, later = review_state_cards(batch)
    ratings = [ll.Rating.GOOD] * batch

    def batch_ours() -> None:
        ours.review_many(cards_ours, ratings, later)

    def batch_theirs() -> None:
        for c in cards_theirs:
            theirs.review_card(c, pyfsrs.Rating.Good, later)

    rating_bytes = bytes([3]) * batch
    fresh = ll.CardBatch(cards_ours[:1])
    b_inplace = float("inf")

    def batch_in_place() -> None:
        nonlocal b_inplace, fresh
        fresh = ll.CardBatch(cards_ours)  # a fresh copy: review_batch changes it
        b_inplace = min(b_inplace, timed(lambda: ours.review_batch(fresh, rating_bytes, later)))

    # Rounds of: py-fsrs over the batch once, review_many once, review_batch
    # three times (py-fsrs takes seconds, learnloop milliseconds).
    b_ours = b_theirs = float("inf")
    for _ in range(runs):
        b_theirs = min(b_theirs, timed(batch_theirs))
        b_ours = min(b_ours, timed(batch_ours))
        for _ in range(3):
            batch_in_place()

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
