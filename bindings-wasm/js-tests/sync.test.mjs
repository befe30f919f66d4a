// Sync from JS: replicas exchange change sets (Uint8Array), converge to the
// same state and digest; the golden fold of tests/fixtures/conformance/sync.json
// is bit-identical; bad input and conflicts throw the library's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { AdaptiveEngine, Fsrs, Replica } from "../pkg/store/node.js";

const T0 = new Date("2026-01-05T09:00:00Z");
const minutes = (m) => new Date(T0.getTime() + m * 60_000);
const review = (card, rating, at) => ({ kind: "review", card, rating, reviewed_at: at });

test("two devices offline converge and both reviews count", () => {
  const phone = new Replica("phone");
  const laptop = new Replica("laptop").withFsrs(new Fsrs()).withEngine(new AdaptiveEngine());
  phone.record({ kind: "card_added", card: "c1", at: T0 }, T0);
  laptop.apply(phone.changesSince(laptop.vector()), T0);
  phone.record(review("c1", 3, minutes(1)), T0);
  laptop.record(review("c1", 1, minutes(2)), T0);
  laptop.apply(phone.changesSince(laptop.vector()), T0);
  phone.apply(laptop.changesSince(phone.vector()), T0);
  assert.deepEqual(phone.state(), laptop.state());
  assert.equal(typeof phone.digest(), "bigint");
  assert.equal(phone.digest(), laptop.digest());
  assert.equal(phone.state().cards.c1.reps, 2);
  assert.deepEqual(phone.vector(), { laptop: 1, phone: 2 });
});

test("apply is idempotent and a recorded event says what it is", () => {
  const a = new Replica("a");
  const b = new Replica("b");
  const made = a.record({
    kind: "answer", session: "s1",
    interaction: { question_id: "q1", correct: true, at: T0 },
  }, T0);
  assert.equal(made.device, "a");
  assert.equal(made.seq, 1);
  assert.equal(made.kind, "answer");
  assert.equal(typeof made.hlc, "bigint");
  const changes = a.changesSince();
  assert.ok(changes instanceof Uint8Array);
  assert.deepEqual(b.apply(changes, T0), { new: 1, duplicates: 0 });
  assert.deepEqual(b.apply(changes, T0), { new: 0, duplicates: 1 });
  assert.equal(b.state().sessions.s1.history.length, 1);
});

test("bad input throws errors naming the field; a conflict is a ConflictError", () => {
  const a = new Replica("a");
  assert.throws(() => a.record(review("c1", 7, T0), T0), { name: "InvalidInputError", field: "body.rating" });
  assert.throws(() => a.record({ kind: "card_added", card: "", at: T0 }, T0), { field: "body.card" });
  assert.throws(() => a.record({ kind: "teleport" }, T0), { field: "body.kind" });
  assert.throws(() => a.record(review("c1", 3, T0), "yesterday"), { field: "now" });
  assert.throws(() => a.apply(new Uint8Array([1, 2, 3]), T0), { name: "InvalidInputError" });
  assert.throws(() => a.apply(new Uint8Array([9]), T0), { name: "VersionTooNewError" });
  assert.throws(() => new Replica(""), { field: "device" });
  const first = new Replica("phone");
  const impostor = new Replica("phone");
  first.record(review("c1", 3, T0), T0);
  impostor.record(review("c1", 1, T0), T0);
  a.apply(first.changesSince(), T0);
  assert.throws(() => a.apply(impostor.changesSince(), T0), { name: "ConflictError" });
  assert.equal(a.digest(), first.digest());
});

const fixture = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/conformance/sync.json", import.meta.url), "utf8"),
);
const fromHex = (hex) => Uint8Array.from(hex.match(/../g).map((b) => parseInt(b, 16)));

for (const c of fixture.cases) {
  test(`the golden fold is bit-identical: ${c.name}`, () => {
    const receiver = new Replica(c.device);
    for (const hex of c.change_sets) receiver.apply(fromHex(hex), c.now);
    assert.deepEqual(receiver.state(), c.expected.state);
    assert.deepEqual(receiver.vector(), c.expected.vector);
    assert.equal(String(receiver.digest()), c.expected.digest);
  });
}

test("an app's own kind is kept and forwarded, not folded", () => {
  const a = new Replica("a");
  const b = new Replica("b");
  const made = a.recordOther("streak_freeze", 2, new Uint8Array([1, 2]), T0);
  assert.equal(made.kind, "streak_freeze");
  b.apply(a.changesSince(), T0);
  assert.equal(b.state().unknown, 1);
  assert.equal(b.digest(), a.digest());
  assert.throws(() => a.recordOther("review", 1, new Uint8Array(), T0), { field: "kind" });
});
