#!/usr/bin/env python3
"""Writes tests/fixtures/learner_reference.json: data sets and the fits the
established packages make of them, for learnloop's agreement tests
(core/tests/learner_reference.rs).

    python tests/learner_reference/generate.py [--out PATH]

Contents (every data set is in the file, so the Rust test needs no Python):

- "bkt": three skills of simulated answers (numpy seed 20261122), fitted
  per skill by pyBKT 1.4.3 (Model(seed=42, num_fits=5), no forgetting) and
  by mirt 1.2.0's fit_bkt_em (guess <= 0.3, slip <= 0.1: learnloop's bounds).
- "twopl": a simulated 2PL test (1,000 persons x 15 items), calibrated by
  girth 0.8.0 (twopl_mml) and mirt 1.2.0 (fit_mirt, 2PL, 41 quadrature points).
- "real": LSAT7, section 7 of the Law School Admission Test (1,000
  examinees x 5 items; Bock & Lieberman 1970, Bock & Aitkin 1981) as the
  PyPI package mirt 1.2.0 ships it (mirt.load_dataset("LSAT7")), with
  mirt's 2PL fit and the published fit of R's mirt. (The same package's
  LSAT6 has pattern counts that differ from the published table, so its
  published fit cannot be reproduced from it; it is left out.)
"""

from __future__ import annotations

import argparse
import json
import pathlib

import girth
import mirt
import numpy as np
import pandas as pd
from pyBKT.models import Model

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = 20261122


def bkt_data(rng: np.random.Generator) -> list[dict]:
    skills = [
        ("fractions", dict(prior=0.30, learn=0.15, guess=0.20, slip=0.08)),
        ("decimals", dict(prior=0.50, learn=0.08, guess=0.25, slip=0.05)),
        ("percent", dict(prior=0.20, learn=0.20, guess=0.15, slip=0.10)),
    ]
    out = []
    for name, p in skills:
        sequences = []
        for _ in range(400):
            known = rng.random() < p["prior"]
            seq = []
            for _ in range(15):
                correct = (rng.random() >= p["slip"]) if known else (rng.random() < p["guess"])
                seq.append("1" if correct else "0")
                known = known or rng.random() < p["learn"]
            sequences.append("".join(seq))
        out.append({"skill": name, "truth": p, "sequences": sequences})
    return out


def fit_pybkt(skills: list[dict]) -> None:
    rows = []
    for s in skills:
        for u, seq in enumerate(s["sequences"]):
            for c in seq:
                rows.append((len(rows), f"u{u}", s["skill"], int(c)))
    df = pd.DataFrame(rows, columns=["order_id", "user_id", "skill_name", "correct"])
    model = Model(seed=42, num_fits=5)
    model.fit(data=df)
    params = model.params()
    for s in skills:
        v = lambda name: round(float(params.loc[(s["skill"], name, "default"), "value"]), 6)  # noqa: E731
        s["pybkt"] = {"prior": v("prior"), "learn": v("learns"), "guess": v("guesses"), "slip": v("slips")}


def fit_mirt_bkt(skills: list[dict]) -> None:
    for s in skills:
        x = np.array([[int(c) for c in seq] for seq in s["sequences"]])
        r = mirt.fit_bkt_em(
            x, np.zeros(x.shape[1], dtype=int), guess_bounds=(1e-4, 0.3), slip_bounds=(1e-4, 0.1), tol=1e-8
        )
        m = r.model
        s["mirt"] = {
            "prior": round(float(m.p_init[0]), 6),
            "learn": round(float(m.p_learn[0]), 6),
            "guess": round(float(m.p_guess[0]), 6),
            "slip": round(float(m.p_slip[0]), 6),
            "log_likelihood": round(float(r.log_likelihood), 6),
        }


def twopl(rng: np.random.Generator) -> dict:
    persons, items = 1000, 15
    a = rng.uniform(0.6, 2.0, items)
    b = np.clip(rng.normal(size=items), -2.0, 2.0)
    theta = rng.normal(size=persons)
    p = 1.0 / (1.0 + np.exp(-a[None, :] * (theta[:, None] - b[None, :])))
    x = (rng.random(p.shape) < p).astype(int)
    g = girth.twopl_mml(x.T)  # girth wants items x persons
    f = mirt.fit_mirt(x, model="2PL", n_quadpts=41, compute_standard_errors=False)
    c = f.coef()
    r6 = lambda v: [round(float(e), 6) for e in v]  # noqa: E731
    return {
        "rows": ["".join(str(v) for v in row) for row in x],
        "truth": {"discrimination": r6(a), "difficulty": r6(b)},
        "girth": {"discrimination": r6(g["Discrimination"]), "difficulty": r6(g["Difficulty"])},
        "mirt": {
            "discrimination": r6(c["discrimination"]),
            "difficulty": r6(c["difficulty"]),
            "log_likelihood": round(float(f.log_likelihood), 6),
        },
    }


# Published 2PL fits (logistic metric).
PUBLISHED = {
    # R package mirt, mirt(LSAT7, 1) with coef(IRTpars = TRUE): R. P.
    # Chalmers, "mirt: a multidimensional item response theory package for
    # the R environment", Journal of Statistical Software 48(6), 2012.
    "LSAT7": {
        "source": "Chalmers (2012), J. Stat. Softw. 48(6), mirt(LSAT7, 1)",
        "difficulty": [-1.879, -0.748, -1.058, -0.635, -2.520],
        "discrimination": [0.988, 1.081, 1.706, 0.765, 0.736],
        "log_likelihood": -2658.805,
    },
}


def real() -> list[dict]:
    out = []
    for name in ["LSAT7"]:
        ds = mirt.load_dataset(name)
        x = np.asarray(ds["data"])
        patterns: dict[str, int] = {}
        for row in x:
            key = "".join(str(int(v)) for v in row)
            patterns[key] = patterns.get(key, 0) + 1
        f = mirt.fit_mirt(x, model="2PL", n_quadpts=41, compute_standard_errors=False)
        c = f.coef()
        out.append(
            {
                "name": name,
                "shipped_by": "PyPI mirt 1.2.0, mirt.load_dataset(%r)" % name,
                "source": ds["source"],
                "patterns": dict(sorted(patterns.items())),
                "mirt": {
                    "discrimination": [round(float(v), 6) for v in c["discrimination"]],
                    "difficulty": [round(float(v), 6) for v in c["difficulty"]],
                    "log_likelihood": round(float(f.log_likelihood), 6),
                },
                "published": PUBLISHED[name],
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "tests/fixtures/learner_reference.json"))
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    skills = bkt_data(rng)
    fit_pybkt(skills)
    fit_mirt_bkt(skills)
    fixture = {
        "about": "learner-model reference fits; generated by tests/learner_reference/generate.py",
        "versions": {"pyBKT": "1.4.3", "girth": "0.8.0", "mirt": "1.2.0", "numpy": np.__version__},
        "bkt": skills,
        "twopl": twopl(rng),
        "real": real(),
    }
    pathlib.Path(args.out).write_text(json.dumps(fixture, indent=1) + "\n")


if __name__ == "__main__":
    main()
