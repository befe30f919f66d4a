// Careless input through the package: a non-finite or out-of-range number
// is the library's error naming the argument, never a NaN or a huge
// allocation.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AdaptiveEngine, BktParameters, CardBatch, Fsrs, ItemSelector, Rating, forecast, isMastered, itemProbability,
  newCard,
} from "../pkg/node.js";

const NOW = "2026-01-05T09:00:00Z";

function throwsWith(f, code, field) {
  assert.throws(f, (e) => e.code === code && e.field === field, `${code} ${field}`);
}

test("non-finite and out-of-range arguments are refused, naming them", () => {
  const fsrs = new Fsrs();
  throwsWith(() => fsrs.nextInterval(5, 2, Rating.Good), "invalid_input", "desired_retention");
  throwsWith(() => fsrs.nextInterval(NaN, 0.9, Rating.Good), "invalid_input", "stability");
  throwsWith(() => fsrs.retrievabilityAfter(1, -3), "invalid_input", "stability");
  throwsWith(() => fsrs.reviewInterval(Infinity), "invalid_input", "stability");
  const bkt = new BktParameters({ prior: 0.3, learn: 0.1, guess: 0.2, slip: 0.1 });
  throwsWith(() => bkt.update(2, true), "invalid_input", "known");
  throwsWith(() => bkt.predict(NaN), "invalid_input", "known");
  throwsWith(() => isMastered(NaN), "invalid_input", "known");
  throwsWith(() => itemProbability({ discrimination: 1, difficulty: 0, guessing: 0 }, NaN), "invalid_input", "theta");
  const engine = new AdaptiveEngine();
  throwsWith(() => engine.predictSuccess(engine.initialState(NOW), NaN), "invalid_input", "difficulty");
});

test("counts and horizons are bounded before allocating", () => {
  throwsWith(() => CardBatch.newCards("p", 2 ** 31, NOW), "invalid_input", "count");
  throwsWith(() => forecast([newCard("c", NOW)], NOW, 2 ** 31), "invalid_input", "days");
  assert.equal(CardBatch.newCards("p", 3, NOW).length, 3);
});

test("NaN and infinity in an options object are refused, not read as left out", () => {
  for (const rate of [NaN, Infinity, -1, 0, 2]) {
    throwsWith(() => new ItemSelector({ maxExposureRate: rate }), "invalid_input", "options.max_exposure_rate");
  }
  throwsWith(() => new Fsrs({ learningSteps: [60, NaN] }), "invalid_input", "options.learning_steps[1]");
  assert.equal(new ItemSelector({ maxExposureRate: 0.2 }).options.maxExposureRate, 0.2);
});

test("ids are refused empty or with NUL", () => {
  throwsWith(() => newCard("", NOW), "invalid_input", "id");
  throwsWith(() => newCard("a\0b", NOW), "invalid_input", "id");
});
