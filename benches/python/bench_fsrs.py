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

Each measurement is repeated in rounds that time py-fsrs and learnloop back
to back, with the garbage collector off during a timing (as `timeit` does).
Two ratios are printed: of the best times (the usual figure: the best time
is the one least disturbed by other work on the machine) and the median of
the per-round ratios (each round's two timings share the machine's state).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from datetime import datetime, timedelta, timezone

import fsrs as pyfsrs

import learnloop as ll

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    """Wall time of `fn()`, with the cyclic garbage collector run before and
    kept off during it, as `timeit` does: otherwise a collection that the
    other side's allocations made due can land inside a millisecond
    measurement."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def paired_rounds(rounds: int, ours, theirs) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """`rounds` rounds, each timing py-fsrs then learnloop back to back.
    Returns the best time of each side and the median of the per-round
    ratios: a round's two timings share the machine's state, so a slow spell
    of a shared machine falls on both rather than on whichever side happened
    to run during it."""
    best_ours = best_theirs = float("inf")
    ratios = []
    for _ in range(rounds):
        t_theirs = timed(theirs)
        t_ours = timed(ours)
        best_ours = min(best_ours, t_ours)
        best_theirs = min(best_theirs, t_theirs)
        ratios.append(t_theirs / t_ours)
    return best_ours, best_theirs, statistics.median(ratios)


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
    rounds = 1 if args.quick else 7

    ours = ll.Fsrs()
    theirs = pyfsrs.Scheduler(enable_fuzzing=False)
    (c_ours, *_), (c_theirs, *_), later = review_state_cards(1)

    def per_call_ours() -> None:
        for _ in range(calls):
            ours.review(c_ours, ll.Rating.GOOD, later)

    def per_call_theirs() -> None:
        for _ in range(calls):
            theirs.review_card(c_theirs, pyfsrs.Rating.Good, later)

    t_ours, t_theirs, r_call = paired_rounds(rounds, per_call_ours, per_call_theirs)
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

    def batch_in_place() -> None:
        ours.review_batch(fresh, rating_bytes, later)

    # Rounds of: py-fsrs over the batch once, then each learnloop form once
    # (review_batch on a fresh copy, made outside the timing: it changes it).
    b_ours = b_theirs = b_inplace = float("inf")
    r_many, r_inplace = [], []
    for _ in range(rounds):
        t_loop = timed(batch_theirs)
        t_many = timed(batch_ours)
        fresh = ll.CardBatch(cards_ours)
        t_inplace = timed(batch_in_place)
        b_theirs, b_ours, b_inplace = min(b_theirs, t_loop), min(b_ours, t_many), min(b_inplace, t_inplace)
        r_many.append(t_loop / t_many)
        r_inplace.append(t_loop / t_inplace)

    assert fresh[batch - 1] == ours.review_many(cards_ours[:1], ratings[:1], later)[0]

    # Same answers: the batch result equals py-fsrs on the same card.
    got = ours.review_many(cards_ours[:1], ratings[:1], later)[0]
    want, _ = theirs.review_card(cards_theirs[0], pyfsrs.Rating.Good, later)
    assert abs(got.stability - want.stability) <= 1e-9 * want.stability  # type: ignore[operator]
    assert got.due == want.due

    print(f"py-fsrs {pyfsrs.__version__ if hasattr(pyfsrs, '__version__') else ''}".strip())
    print(f"per call  learnloop {t_ours * 1e6:8.2f} us   py-fsrs {t_theirs * 1e6:8.2f} us   "
          f"ratio {t_theirs / t_ours:6.1f}x (of the best times), {r_call:6.1f}x (median of {rounds} paired rounds)")
    print(f"review_many  {batch:,}  learnloop {b_ours * 1e3:8.2f} ms   py-fsrs {b_theirs * 1e3:8.1f} ms   "
          f"ratio {b_theirs / b_ours:6.1f}x (of the best times), {statistics.median(r_many):6.1f}x (median of {rounds} paired rounds)")
    print(f"review_batch {batch:,}  learnloop {b_inplace * 1e3:8.2f} ms   py-fsrs {b_theirs * 1e3:8.1f} ms   "
          f"ratio {b_theirs / b_inplace:6.1f}x (of the best times), {statistics.median(r_inplace):6.1f}x (median of {rounds} paired rounds)")

if __name__ == "__main__":
    main()
