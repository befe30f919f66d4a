// Learner models and the adaptive engine from JS: the shared cases of
// tests/fixtures/conformance/learner.json, a session of answers, and the
// unhappy paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  AdaptiveEngine, BktParameters, Elo, ItemSelector, Pfa, auc, calibrate, estimateAbilityEap,
  estimateAbilityMle, fitBkt, itemInformation, itemProbability, logLoss, rmse, testInformation, Fsrs,
} from "../pkg/node.js";

const fixture = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/conformance/learner.json", import.meta.url), "utf8"),
);

function same(got, want, path = "$") {
  if (typeof want === "number" && !Number.isInteger(want) || typeof got === "number" && !Number.isInteger(got)) {
    assert.equal(typeof got, "number", path);
    assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(Math.abs(want), 1), `${path}: ${got} != ${want}`);
  } else if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), path);
    assert.equal(got.length, want.length, path);
    want.forEach((w, i) => same(got[i], w, `${path}[${i}]`));
  } else if (want !== null && typeof want === "object") {
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), path);
    for (const k of Object.keys(want)) same(got[k], want[k], `${path}.${k}`);
  } else {
    assert.equal(got, want, path);
  }
}

const cells = (text) => [...text].map((c) => (c === "." ? null : c === "1"));

function run(c) {
  const x = c.input;
  switch (c.op) {
    case "elo_update":
      return new Elo({ alpha: x.alpha, beta: x.beta }).update(x.learner, x.item, x.score, x.options);
    case "irt_item":
      return { probability: itemProbability(x.item, x.theta), information: itemInformation(x.item, x.theta) };
    case "irt_eap":
      return estimateAbilityEap(x.items, cells(x.responses), { mean: x.prior_mean, sd: x.prior_sd });
    case "irt_mle":
      return estimateAbilityMle(x.items, cells(x.responses));
    case "irt_calibrate": {
      const fit = calibrate(x.rows.map(cells), { model: x.model });
      return { ...fit, abilities: undefined, first_abilities: fit.abilities.slice(0, 3) };
    }
    case "irt_select": {
      const { rule, ...band } = x.rule;
      const selector = new ItemSelector({ rule, ...band, randomesque: x.randomesque });
      return { item: selector.select(x.items, x.theta, { administered: x.administered, seed: x.seed }) ?? null };
    }
    case "bkt_trace": {
      const p = new BktParameters(x.parameters);
      return { predictions: Array.from(p.predictSequence(x.answers)), known: p.trace(x.answers) };
    }
    case "bkt_parameters":
      return new BktParameters(x);
    case "bkt_fit":
      return fitBkt(x.answers, { forgetting: x.forgetting });
    case "pfa": {
      const pfa = Pfa.fit(x.answers, { l2: x.l2 });
      return { probability: pfa.probability(x.practice), intercept: pfa.intercept, skills: pfa.skills };
    }
    case "engine": {
      const engine = new AdaptiveEngine(x.config);
      let state = engine.initialState(x.start);
      return x.interactions.map((i) => {
        const o = engine.observe(state, i);
        state = o.state;
        return o;
      });
    }
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

test("every shared learner case", () => {
  assert.ok(fixture.cases.length >= 50);
  for (const c of fixture.cases) {
    if (c.error) {
      assert.throws(() => run(c), (e) => {
        assert.equal(e.code, c.error.code, c.name);
        assert.equal(e.field, c.error.field, c.name);
        return true;
      }, c.name);
    } else {
      const got = run(c);
      if (c.op === "irt_calibrate") delete got.abilities;
      same(got, c.expected, c.name);
    }
  }
});

test("a session of answers adapts, explains and accepts Dates", () => {
  const engine = new AdaptiveEngine({ seed: 9 });
  const start = new Date("2026-03-02T09:00:00Z");
  let state = engine.initialState(start);
  const levels = [];
  for (let k = 0; k < 16; k++) {
    const o = engine.observe(state, {
      question_id: `q${k}`,
      correct: k >= 4,
      at: new Date(start.getTime() + 40_000 * k),
      response_time_ms: 15_000,
      content_format: k % 2 ? "text" : "video",
    });
    state = o.state;
    levels.push(o.record.adaptiveDifficulty);
    assert.ok(o.record.adaptationReasoning.length > 20);
  }
  assert.ok(levels[3] < levels[0], "easier while missing");
  assert.ok(levels[15] > levels[4], "harder once right");
  assert.equal(state.livePerformanceMetrics.sessionAverage, 12 / 16);
  assert.ok(engine.predictSuccess(state, 0) > engine.predictSuccess(state, 1));
});

const NAMES = { invalid_input: "InvalidInputError", not_estimable: "NotEstimableError", not_found: "NotFoundError" };

function throwsWith(fn, code, field) {
  assert.throws(fn, (e) => {
    assert.equal(e.kind, code, "these codes are kinds too");
    assert.equal(e.name, NAMES[e.kind]);
    assert.equal(e.code, code, e.message);
    assert.equal(e.field, field, e.message);
    return true;
  });
}

test("bad input is a typed error naming the field", () => {
  const engine = new AdaptiveEngine();
  const state = engine.initialState("2026-03-02T09:00:00Z");
  throwsWith(() => engine.observe(state, { question_id: "q", at: "2026-03-02T09:01:00Z" }), "invalid_input", "interaction.score");
  throwsWith(() => engine.observe(state, { question_id: "q", correct: true, at: "yesterday" }), "invalid_input", "interaction.at");
  throwsWith(() => engine.observe(state, { question_id: "q", correct: true, at: "2026-03-02T09:01:00Z", questionId: "x" }), "invalid_input", "interaction.questionId");
  throwsWith(() => new AdaptiveEngine({ successBandLo: 0.6 }), "invalid_input", "options.success_band_lo");
  assert.equal(new AdaptiveEngine({ successBandLow: 0.6 }).config.successBandLow, 0.6);
  throwsWith(() => new AdaptiveEngine({ success_band_low: 0.9, success_band_high: 0.8 }), "invalid_input", "success_band_high");
  throwsWith(() => engine.observe({ adaptiveDifficultyLevel: "hard" }, { question_id: "q", correct: true, at: "2026-03-02T09:01:00Z" }), "invalid_input", "state.adaptiveDifficultyLevel");
  throwsWith(() => calibrate([[true, 2]]), "invalid_input", "responses[0][1]");
  throwsWith(() => calibrate([[true, false], [true, true]]), "not_estimable", "responses.items[0]");
  throwsWith(() => calibrate([[true, false], [false, true]], { model: "4PL" }), "invalid_input", "options.model");
  throwsWith(() => itemProbability({ discrimination: 0, difficulty: 0 }, 0), "invalid_input", "item.discrimination");
  throwsWith(() => estimateAbilityMle([{ discrimination: 1, difficulty: 0 }], [true]), "not_estimable", "responses");
  throwsWith(() => new Elo().update({ rating: 0 }, { rating: 0 }, 2), "invalid_input", "score");
  throwsWith(() => new Elo().update({ rating: "high" }, { rating: 0 }, 1), "invalid_input", "learner.rating");
  throwsWith(() => new BktParameters({ prior: 0.5, learn: 0.1, guess: 0.6, slip: 0.5 }), "invalid_input", "guess");
  throwsWith(() => fitBkt([["s", "k", "yes"]]), "invalid_input", "answers[0][2]");
  throwsWith(() => Pfa.fit([["s", ["x"], true], ["s", ["x"], false]]).probability([["y", 0, 0]]), "not_found", "practice[0].skill");
  throwsWith(() => auc([0.5], [true]), "not_estimable", "observed");
});

test("models from JS", () => {
  const items = [{ discrimination: 1.2, difficulty: -1 }, { discrimination: 0.9, difficulty: 0.5, guessing: 0.2 }];
  const eap = estimateAbilityEap(items, [true, null]);
  assert.ok(eap.theta > 0 && eap.standard_error < 1);
  assert.equal(new ItemSelector({ rule: "success_band", low: 0.7, high: 0.85 }).select(items, 0, { administered: [0, 1] }), undefined);
  const fits = fitBkt([["a", "k", false], ["a", "k", true], ["b", "k", true]]);
  assert.equal(fits[0].skill, "k");
  assert.equal(rmse([1, 0], [true, false]), 0);
  assert.ok(logLoss([0.5], [true]) > 0.69);
});

test("Elo replays a history; test information sums the items'", () => {
  const elo = new Elo();
  const fit = elo.fit([
    { learner_id: "ann", item_id: "q1", score: 1 },
    { learner_id: "bob", item_id: "q1", score: 0, options: 4 },
    { learner_id: "ann", item_id: "q2", score: 1 },
  ]);
  assert.deepEqual(Object.keys(fit.learners), ["ann", "bob"]);
  assert.equal(fit.learners.ann.answers, 2);
  assert.equal(fit.predicted.length, 3);
  assert.throws(() => elo.fit([{ learner_id: "a", item_id: "q", score: 2 }]), (e) => e.field === "answers[0].score");
  const items = [{ discrimination: 1.2, difficulty: 0, guessing: 0 }, { discrimination: 0.8, difficulty: 1, guessing: 0 }];
  const sum = items.map((i) => itemInformation(i, 0.3)).reduce((a, b) => a + b);
  assert.ok(Math.abs(testInformation(items, 0.3) - sum) < 1e-12);
});

test("a memory state continues from a start", () => {
  const fsrs = new Fsrs();
  const whole = fsrs.memoryState([[3, 0], [3, 3], [2, 7]]);
  const first = fsrs.memoryState([[3, 0], [3, 3]]);
  assert.deepEqual(fsrs.memoryState([[2, 7]], first), whole);
  assert.ok(Math.abs(fsrs.retrievabilityAfter(10, 10) - 0.9) < 1e-12);
});
