// The SQLite store in wasm (the `learnloop/store` entry), under Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Fsrs, Rating, Store, newCard } from "../pkg/store/node.js";

const now = "2026-01-05T09:00:00Z";
const legacy = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/sessions/v1_firestore_times.json", import.meta.url), "utf8"),
);

test("a session and reviews survive a save to bytes and a reopen", () => {
  const store = new Store();
  assert.ok(store.schemaVersion() >= 3);
  store.saveSession("learner-1", "session-1", legacy);
  const state = store.adaptiveState("session-1");
  state.adaptiveDifficultyLevel = 0.72;
  store.saveAdaptiveState("session-1", state, new Date(now));
  const fsrs = new Fsrs();
  const { card, log } = fsrs.review(newCard("c1", now), Rating.Good, now);
  store.recordReview("learner-1", card, log);

  const bytes = store.toBytes();
  assert.ok(bytes instanceof Uint8Array && bytes.length > 4096);
  const reopened = Store.fromBytes(bytes);
  assert.deepEqual(reopened.adaptiveState("session-1"), state);
  assert.deepEqual(reopened.card("learner-1", "c1"), card);
  assert.deepEqual(reopened.reviewLogs("learner-1", "c1"), [log]);
  assert.equal(reopened.activeSessions("learner-1", 10)[0].id, "session-1");
  assert.deepEqual(reopened.dueQueue("learner-1", card.due).map((c) => c.id), ["c1"]);
  assert.equal(reopened.forecast("learner-1", now, 3).length, 3);
});

test("export, import, erase and audit", () => {
  const store = new Store();
  store.putCards("learner-1", [newCard("a", now), newCard("b", now)], now);
  store.setConsent("learner-1", "analytics", true, now);
  const exported = store.exportLearner("learner-1");
  const other = new Store();
  other.importLearner(JSON.parse(JSON.stringify(exported)));
  assert.deepEqual(other.exportLearner("learner-1"), exported);
  assert.ok(store.eraseLearner("learner-1") > 0);
  assert.deepEqual(store.cards("learner-1"), []);
  assert.equal(store.auditActions("learner-1").at(-1), "erase");
});

test("errors carry code and field", () => {
  const store = new Store();
  assert.throws(() => store.card("l", "missing"), { code: "not_found", field: "card" });
  assert.throws(() => store.setConsent("l", "marketing", true, now), { code: "invalid_input", field: "purpose" });
  assert.throws(() => Store.fromBytes(new Uint8Array([1, 2, 3])), { code: "invalid_input", field: "bytes" });
  assert.throws(() => store.saveAdaptiveState("s", { adaptiveDifficultyLevel: "high" }, now), { code: "invalid_input" });
  assert.throws(() => store.putCards("", [newCard("a", now)], now), { field: "learner_id" });
});

test("events, adaptation history, batch reviews, sessions and consent", () => {
  const store = new Store();
  store.saveSession("learner-1", "session-1", legacy);
  const events = [
    { device: "phone", seq: 1, at: now, kind: "answer", payload: { q: "q1" } },
    { device: "phone", seq: 2, at: "2026-01-05T09:01:00Z", kind: "answer", payload: { q: "q2" } },
  ];
  assert.equal(store.appendEvents("learner-1", events), 2);
  assert.equal(store.appendEvents("learner-1", events), 0, "identical events are skipped");
  assert.deepEqual(store.events("learner-1").map((e) => e.seq), [1, 2]);
  assert.equal(store.purgeEventsBefore("2026-01-05T09:00:30Z"), 1);
  const fsrs = new Fsrs();
  const reviews = ["a", "b"].map((id) => fsrs.review(newCard(id, now), Rating.Good, now));
  store.recordReviews("learner-1", reviews);
  assert.equal(store.cards("learner-1").length, 2);
  store.setSessionState("session-1", "completed", now);
  assert.equal(store.activeSessions("learner-1", 10).length, 0);
  assert.throws(() => store.setSessionState("session-1", "paused", now), (e) => e.field === "state");
  assert.equal(store.consent("learner-1", "analytics"), null);
  store.setConsent("learner-1", "analytics", true, now);
  assert.equal(store.consent("learner-1", "analytics").granted, true);
  assert.equal(store.analyticsExport(new Uint8Array(32).fill(7)).length, 1);
  assert.match(store.auditSubject("learner-1"), /^learner:[0-9a-f]+$/);
  assert.ok(Array.isArray(store.adaptationHistory("session-1")));
});
