#!/usr/bin/env python3
"""learnloop's learner-model fits against the Python packages users would
otherwise use, on the same data in the same process.

    python benches/python/bench_learner.py            # full run
    python benches/python/bench_learner.py --quick    # smoke run (used by the test command)

- BKT EM: 1,000,000 answers (10 skills x 5,000 students x 20 answers) with
  learnloop.fit_bkt and mirt.fit_bkt_em (mirt 1.2.0, Rust-backed smoothing).
  pyBKT 1.4.3 installs from PyPI as pure Python here (its C++ build needs a
  compiler setup the wheel does not ship), so it is timed on 1/50 of the data.
- 2PL calibration: 10,000 persons x 50 items with learnloop.calibrate,
  mirt.fit_mirt (EM, 41 quadrature points, no standard errors) and
  girth.twopl_mml.

Every library gets the data in its own input form, built before timing.
Both sides fit to their default tolerances; the parameters they find are
compared (largest difference) so the timings compare like with like.
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import girth
import mirt
import numpy as np
import pandas as pd
from pyBKT.models import Model

import learnloop as ll


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def bkt_data(skills: int, students: int, length: int, seed: int) -> np.ndarray:
    """responses[skill, student, t]"""
    rng = np.random.default_rng(seed)
    prior, learn, guess, slip = 0.35, 0.12, 0.22, 0.08
    x = np.zeros((skills, students, length), dtype=np.int64)
    known = rng.random((skills, students)) < prior
    for t in range(length):
        u = rng.random((skills, students))
        x[:, :, t] = np.where(known, u >= slip, u < guess)
        known |= rng.random((skills, students)) < learn
    return x


def bench_bkt(skills: int, students: int, length: int, runs: int) -> None:
    x = bkt_data(skills, students, length, 1)
    n = x.size
    triples = [
        (f"u{s}", f"k{k}", bool(x[k, s, t])) for k in range(skills) for s in range(students) for t in range(length)
    ]
    t_ll, fits = best_of(runs, lambda: ll.fit_bkt(triples))
    # mirt: one row per student, the skills' trials side by side.
    wide = x.transpose(1, 0, 2).reshape(students, skills * length)
    assignment = np.repeat(np.arange(skills), length)
    t_m, res = best_of(
        runs,
        lambda: mirt.fit_bkt_em(wide, assignment, guess_bounds=(1e-4, 0.3), slip_bounds=(1e-4, 0.1)),
    )
    ours = np.array([[f["parameters"][k] for k in ("prior", "learn", "guess", "slip")] for f in fits])
    order = np.argsort([f"k{k}" for k in range(skills)])
    m = res.model
    theirs = np.array([m.p_init, m.p_learn, m.p_guess, m.p_slip]).T[order]
    print(f"BKT EM, {n:,} answers ({skills} skills):")
    print(f"  learnloop.fit_bkt   {t_ll:8.3f} s")
    print(f"  mirt.fit_bkt_em     {t_m:8.3f} s   ratio {t_m / t_ll:5.1f}x   largest parameter difference {np.abs(ours - theirs).max():.4f}")
    # pyBKT on a fiftieth of the students.
    sub = max(students // 50, 20)
    rows = [(f"u{s}", f"k{k}", int(x[k, s, t])) for k in range(skills) for s in range(sub) for t in range(length)]
    df = pd.DataFrame(
        [(i, u, k, c) for i, (u, k, c) in enumerate(rows)], columns=["order_id", "user_id", "skill_name", "correct"]
    )
    small = [(u, k, bool(c)) for u, k, c in rows]
    t_small, _ = best_of(runs, lambda: ll.fit_bkt(small))
    t_py, _ = best_of(1, lambda: Model(seed=42, num_fits=1).fit(data=df))
    print(f"  pyBKT (pure Python), {len(rows):,} answers: {t_py:.3f} s; learnloop on the same: {t_small:.4f} s   ratio {t_py / t_small:5.0f}x")


def bench_2pl(persons: int, items: int, runs: int) -> None:
    rng = np.random.default_rng(2)
    a = rng.uniform(0.5, 2.0, items)
    b = np.clip(rng.normal(size=items), -2.5, 2.5)
    theta = rng.normal(size=persons)
    p = 1.0 / (1.0 + np.exp(-a[None, :] * (theta[:, None] - b[None, :])))
    x = (rng.random(p.shape) < p).astype(np.int64)
    rows = x.tolist()
    t_ll, fit = best_of(runs, lambda: ll.calibrate(rows))
    t_m, f = best_of(runs, lambda: mirt.fit_mirt(x, model="2PL", n_quadpts=41, compute_standard_errors=False))
    t_g, g = best_of(1, lambda: girth.twopl_mml(x.T))
    ours_a = np.array([i["discrimination"] for i in fit["items"]])
    ours_b = np.array([i["difficulty"] for i in fit["items"]])
    c = f.coef()
    print(f"2PL calibration, {persons:,} persons x {items} items:")
    print(f"  learnloop.calibrate {t_ll:8.3f} s   ({fit['iterations']} EM iterations)")
    print(
        f"  mirt.fit_mirt       {t_m:8.3f} s   ratio {t_m / t_ll:5.1f}x   largest difference a {np.abs(ours_a - c['discrimination'].to_numpy()).max():.4f}, b {np.abs(ours_b - c['difficulty'].to_numpy()).max():.4f}"
    )
    print(
        f"  girth.twopl_mml     {t_g:8.3f} s   ratio {t_g / t_ll:5.1f}x   largest difference a {np.abs(ours_a - g['Discrimination']).max():.4f}, b {np.abs(ours_b - g['Difficulty']).max():.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        bench_bkt(2, 1_000, 10, 1)
        bench_2pl(1_000, 10, 1)
    else:
        bench_bkt(10, 5_000, 20, 3)
        bench_2pl(10_000, 50, 3)


if __name__ == "__main__":
    main()
