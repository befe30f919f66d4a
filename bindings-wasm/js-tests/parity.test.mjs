// Parity with the core (tests/fixtures/conformance/entry_points.json, which
// the core's source generates): every public entry point of the core is in
// the npm package (the default entry, or `learnloop/store` for the store)
// under the name the fixture gives, or the fixture says why it has none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as main from "../pkg/node.js";
import * as store from "../pkg/store/node.js";

const fixture = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/conformance/entry_points.json", import.meta.url), "utf8"),
);

/** A class, a static or instance member (method or getter), or a function. */
function exists(name) {
  const [first, member] = name.split(".");
  const value = main[first] ?? store[first];
  if (typeof value !== "function") return false;
  if (member === undefined) return true;
  return member in value || member in value.prototype;
}

test("every core entry point has its JS name", () => {
  const missing = [];
  const gaps = [];
  for (const entry of fixture.entry_points) {
    if (typeof entry.js === "string") {
      if (entry.js === fixture.gap) gaps.push(entry.core);
      continue;
    }
    for (const name of entry.js) {
      if (!exists(name)) missing.push(`${entry.core} -> ${name}`);
    }
  }
  assert.deepEqual(missing, [], "core entry points without their JS name");
  console.log(`${fixture.entry_points.length} core entry points; ${gaps.length} not yet bound in JS: ${gaps.join(", ")}`);
});
