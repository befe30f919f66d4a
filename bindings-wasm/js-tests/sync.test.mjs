// Sync from JS: replicas exchange change sets (Uint8Array), converge to the
// same state and digest; the golden fold of tests/fixtures/conformance/sync.json
// is bit-identical; bad input and conflicts throw the library's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { AdaptiveEngine, Fsrs, Replica, Store } from "../pkg/store/node.js";

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

const answer = (session, question, correct, at) => ({
  kind: "answer", session, interaction: { question_id: question, correct, at },
});

test("a stored replica compacts what its peers acknowledged; a stale tablet resyncs from the snapshot", () => {
  const store = new Store();
  const backend = store.replica("ada", "backend", T0, { desiredRetention: 0.9 }, {});
  assert.equal(backend.learnerId, "ada");
  const phone = new Replica("phone");
  for (let q = 0; q < 6; q++) phone.record(answer("s1", `q${q}`, q % 2 === 0, minutes(q)), T0);
  assert.deepEqual(backend.apply(phone.changesSince(backend.vector()), T0), { new: 6, duplicates: 0 });
  phone.apply(backend.changesSince(phone.vector()), T0);
  backend.acknowledge("phone", { vector: phone.vector() });
  assert.equal(backend.compact(T0), 0, "no phone clock reported yet");
  backend.acknowledge("phone", { vector: phone.vector(), clock: phone.clock() });
  backend.acknowledge("old-tablet", { vector: {} });
  assert.deepEqual(backend.peers(), ["old-tablet", "phone"]);
  assert.deepEqual(backend.acknowledged("phone"), phone.vector());
  assert.deepEqual(backend.acknowledged("nobody"), {});
  assert.equal(backend.compact(T0), 0, "the old tablet holds it back");
  assert.equal(backend.forgetPeer("old-tablet"), true);
  assert.equal(backend.compact(T0), 5, "the last answer, at the phone's clock, stays");
  assert.equal(backend.outbox("phone").length > 0, true);

  // A tablet that answered offline an hour later, then meets the backend.
  const tablet = new Replica("tablet");
  tablet.record(review("c1", 3, minutes(60)), minutes(60));
  assert.throws(() => tablet.apply(backend.changesSince(tablet.vector()), T0),
    { name: "ConflictError", code: "resync_needed" });
  tablet.resync(backend.snapshot());
  tablet.apply(backend.changesSince(tablet.vector()), T0);
  backend.apply(tablet.changesSince(backend.vector()), T0);
  assert.deepEqual(tablet.state(), backend.state());
  assert.equal(tablet.digest(), backend.digest());
  assert.equal(tablet.state().sessions.s1.answers.length, 6);

  // The database image keeps it all: reopened, the replica is the same.
  const again = Store.fromBytes(store.toBytes()).replica("ada", "backend", T0, { desiredRetention: 0.9 });
  assert.equal(again.digest(), backend.digest());
  assert.deepEqual(again.state(), backend.state());
  assert.equal(again.snapshot().length, backend.snapshot().length);
});

test("a stored replica refuses bad input naming the field", () => {
  const store = new Store();
  assert.throws(() => store.replica("ada", "", T0), { field: "device" });
  assert.throws(() => store.replica("ada", "backend", T0, { desiredRetention: 2 }), { message: /desired_retention/ });
  const backend = store.replica("ada", "backend", T0);
  assert.throws(() => store.replica("ada", "laptop", T0), { field: "device" });
  assert.throws(() => backend.acknowledge("phone", { vector: {}, clock: 12 }), { field: "acknowledgement.clock" });
  assert.throws(() => backend.acknowledge("phone", { vector: { phone: -1 } }), { field: /acknowledgement.vector/ });
  assert.throws(() => backend.forgetPeer(""), { field: "peer" });
  assert.throws(() => backend.resync(new Uint8Array([1, 123]), T0), { field: /snapshot/ });
  assert.throws(() => new Replica("x").resync(new Uint8Array([]) ), { name: "InvalidInputError" });
});

test("an in-memory replica compacts what the others reported and answers a stale one with resync_needed", () => {
  const phone = new Replica("phone");
  const laptop = new Replica("laptop");
  for (let q = 0; q < 4; q++) phone.record(answer("s1", `q${q}`, true, minutes(q)), minutes(q));
  laptop.apply(phone.changesSince(laptop.vector()), T0);
  assert.equal(phone.compact([]), 0, "nobody reported: nothing is compacted");
  assert.equal(phone.compact([{ vector: laptop.vector(), clock: laptop.clock() }]), 3);
  const fresh = new Replica("tablet");
  assert.throws(() => fresh.apply(phone.changesSince(fresh.vector()), T0), { code: "resync_needed" });
  fresh.resync(phone.snapshot());
  fresh.apply(phone.changesSince(fresh.vector()), T0);
  assert.equal(fresh.digest(), phone.digest());
  assert.throws(() => phone.compact({}), { field: "acknowledged" });
  assert.throws(() => phone.compact([{ vector: {}, clock: 1 }]), { field: "acknowledged[0].clock" });
});
