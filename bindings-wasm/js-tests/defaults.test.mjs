// The defaults case of every options struct (tests/fixtures/conformance/
// defaults.json): built with no options, the JS API uses exactly the
// core's defaults, shown camelCase; an option changes only its own field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { AdaptiveEngine, AnkiSm2, Elo, Fsrs, ItemSelector, Sm2, optionsNames, optionsOf } from "../pkg/node.js";
import { Store } from "../pkg/store/node.js";

const fixture = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/conformance/defaults.json", import.meta.url), "utf8"),
);

/** The fixture's keys as JS writes options: camelCase, at every depth. */
function camelized(value) {
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), camelized(v)]),
  );
}

test("every options struct defaults to the core's", () => {
  assert.deepEqual([...optionsNames()].sort(), Object.keys(fixture.options).sort());
  for (const [name, want] of Object.entries(fixture.options)) {
    assert.deepEqual(optionsOf(name), camelized(want), name);
  }
});

test("handles built with no options hold the defaults", () => {
  const want = fixture.options;
  assert.deepEqual(new Fsrs().options, camelized(want.fsrs));
  assert.deepEqual(new Sm2().options, camelized(want.sm2));
  assert.deepEqual(new AnkiSm2().options, camelized(want.anki_sm2));
  assert.deepEqual(new AdaptiveEngine().config, camelized(want.engine));
  assert.deepEqual(new ItemSelector().options, camelized(want.item_selector));
  assert.deepEqual(new Elo().options, camelized(want.elo));
  assert.deepEqual(new Store().options, camelized(fixture.store));
});

test("an option changes only its own field", () => {
  assert.deepEqual(new Fsrs({ desiredRetention: 0.8 }).options, { ...camelized(fixture.options.fsrs), desiredRetention: 0.8 });
  assert.deepEqual(optionsOf("queue", { order: "due", seed: 7 }), { ...camelized(fixture.options.queue), order: "due", seed: 7 });
  assert.throws(() => optionsOf("queue", { newLimt: 3 }), { code: "invalid_input", field: "options.new_limt" });
  assert.throws(() => optionsOf("nothing"), { code: "invalid_input", field: "options" });
});
