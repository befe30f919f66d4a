// The shared cross-language cases (tests/fixtures/conformance/srs.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Fsrs } from "../pkg/node.js";

const fixture = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/conformance/srs.json", import.meta.url), "utf8"),
);

const close = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1);

function sameCard(got, want) {
  for (const key of ["id", "state", "step", "due", "last_review", "scheduled_days", "reps", "lapses"]) {
    assert.deepEqual(got[key], want[key], key);
  }
  assert.deepEqual(got.sm2 ?? null, want.sm2 ?? null);
  if (want.memory === null) {
    assert.equal(got.memory, null);
  } else {
    assert.ok(close(got.memory.stability, want.memory.stability));
    assert.ok(close(got.memory.difficulty, want.memory.difficulty));
  }
}

function scheduler(spec) {
  const options = {
    desiredRetention: spec.desired_retention,
    learningSteps: spec.learning_steps,
    relearningSteps: spec.relearning_steps,
    maximumInterval: spec.maximum_interval,
  };
  if (spec.parameters !== null) options.parameters = spec.parameters;
  return new Fsrs(options);
}

function runOp(c) {
  switch (c.op) {
    case "new_scheduler": return scheduler(c.scheduler);
    case "memory_state": return new Fsrs().memoryState(c.history);
    case "next_states": {
      const memory = c.memory === null ? null : { stability: c.memory[0], difficulty: c.memory[1] };
      return new Fsrs().nextStates(memory, c.desired_retention, c.days_elapsed);
    }
    // JavaScript decodes a card as a call's argument: the field is named from it.
    case "decode_card": return new Fsrs().preview(c.card, c.card.due);
    case "review_many": return scheduler(c.scheduler).reviewMany(c.cards, c.ratings, c.now);
    case "preview": return scheduler(c.scheduler).preview(c.card, c.now);
    case "review": return scheduler(c.scheduler).review(c.card, c.rating, c.now);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

test("every shared case", () => {
  assert.ok(fixture.cases.length > 100);
  for (const c of fixture.cases) {
    const e = c.expect;
    if (e.error) {
      const field = c.op === "decode_card" ? `card.${e.error.field}` : e.error.field;
      assert.throws(() => runOp(c), (err) => err.code === e.error.code && err.field === field, c.name);
      continue;
    }
    const got = runOp(c);
    if (c.op === "preview") {
      for (const r of ["again", "hard", "good", "easy"]) sameCard(got[r].card, e[r]);
    } else if (c.op === "review") {
      sameCard(got.card, e.card);
      assert.equal(got.log.scheduled_days, e.scheduled_days, c.name);
      assert.equal(got.log.elapsed_days, e.elapsed_days, c.name);
    } else if (c.op === "memory_state") {
      assert.ok(close(got.stability, e.stability) && close(got.difficulty, e.difficulty), c.name);
    } else if (c.op === "next_states") {
      for (const r of ["again", "hard", "good", "easy"]) {
        const [s, d, ivl] = e[r];
        assert.ok(close(got[r].memory.stability, s) && close(got[r].memory.difficulty, d) && close(got[r].interval, ivl), c.name);
      }
    }
  }
});
