// The built package (bindings-wasm/pkg) through its public API, under node --test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  CardBatch,
  Fsrs,
  Rating,
  Sm2,
  newCard,
  dueQueue,
  forecast,
  reschedule,
  cardsFromMistakes,
  fuzzRange,
  fuzzFactor,
  isPass,
  isMastered,
  upgradeSession,
  sessionFromJson,
  sessionVersion,
} from "../pkg/node.js";

const NOW = "2026-01-05T09:00:00Z";

function throwsWith(fn, code, field) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, "an Error object");
    assert.match(e.name, /^[A-Za-z]+Error$/, "a class name per kind");
    assert.equal(typeof e.kind, "string");
    assert.equal(e.code, code, e.message);
    assert.equal(e.field, field, e.message);
    return true;
  });
}

test("the documented usage", () => {
  const fsrs = new Fsrs();
  assert.equal(fsrs.options.desiredRetention, 0.9);
  assert.equal(fsrs.options.parameters.length, 21);
  assert.equal(new Fsrs({ desiredRetention: 0.85, learningSteps: [300] }).options.learningSteps[0], 300);
  let card = newCard("card-1", NOW);
  assert.equal(card.state, "new");
  const preview = fsrs.preview(card, new Date(NOW));
  assert.equal(preview.good.card.due, "2026-01-05T09:10:00Z");
  assert.equal(preview.easy.card.state, "review");
  const { card: next, log } = fsrs.review(card, Rating.Good, NOW, 3200);
  assert.equal(log.rating, Rating.Good);
  assert.equal(log.duration_ms, 3200);
  assert.deepEqual(next, preview.good.card);
  const [reviewed] = fsrs.reviewMany([next], [Rating.Good], next.due);
  assert.equal(reviewed.state, "review");
  const m = fsrs.memoryState([[Rating.Again, 0], [Rating.Good, 1]]);
  assert.ok(m.stability > 0 && m.difficulty >= 1 && m.difficulty <= 10);
  // Plain data: survives JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(reviewed)), reviewed);
});

test("dates: Date objects and ISO strings with an offset are the same time", () => {
  const fsrs = new Fsrs();
  const card = newCard("c", NOW);
  const a = fsrs.review(card, Rating.Good, new Date(NOW)).card;
  const b = fsrs.review(card, Rating.Good, "2026-01-05T10:00:00+01:00").card;
  assert.deepEqual(a, b);
  throwsWith(() => fsrs.review(card, Rating.Good, "2026-01-05T09:00:00"), "invalid_input", "now");
  throwsWith(() => fsrs.review(card, Rating.Good, new Date("nonsense")), "invalid_input", "now");
  throwsWith(() => fsrs.review(card, Rating.Good, 1767603600000), "invalid_input", "now");
  // Time is always an argument: the library never reads the clock.
  throwsWith(() => newCard("d"), "invalid_input", "now");
});

test("errors carry a code and a field", () => {
  const fsrs = new Fsrs();
  const card = newCard("c", NOW);
  throwsWith(() => fsrs.review(card, 7, NOW), "invalid_rating", "rating");
  throwsWith(() => fsrs.review(card, 2.5, NOW), "invalid_input", "rating");
  throwsWith(() => new Fsrs({ parameters: new Array(21).fill(1) }), "parameter_out_of_range", "parameters[7]");
  throwsWith(() => new Fsrs({ parameters: [1, 2, 3] }), "parameter_count", "parameters");
  throwsWith(() => new Fsrs({ desiredRetention: 1 }), "invalid_input", "desired_retention");
  throwsWith(() => new Fsrs({ desiredRetention: 0.9, colour: "red" }), "invalid_input", "options.colour");
  throwsWith(() => new Fsrs({ learningSteps: [60.5] }), "invalid_input", "options.learning_steps");
  throwsWith(() => fsrs.review({ ...card, state: "sleeping" }, Rating.Good, NOW), "invalid_input", "card.state");
  const reviewed = fsrs.review(card, Rating.Easy, NOW).card;
  throwsWith(() => fsrs.review(reviewed, Rating.Good, "2026-01-04T09:00:00Z"), "review_before_last_review", "now");
  const broken = { ...reviewed, memory: { stability: -1, difficulty: 5 } };
  throwsWith(() => fsrs.reviewMany([reviewed, broken], [3, 3], "2026-02-01T00:00:00Z"), "invalid_input", "cards[1].memory.stability");
  throwsWith(() => fsrs.reviewMany([reviewed], [3, 9], NOW), "invalid_input", "ratings[1]");
  throwsWith(() => fsrs.reviewMany([reviewed], [3, 3], "2026-02-01T00:00:00Z"), "invalid_input", "ratings");
  throwsWith(() => dueQueue([card], NOW, { order: "alphabetical" }), "invalid_input", "options.order");
  throwsWith(() => dueQueue([card], NOW, { newLimit: -1 }), "invalid_input", "options.new_limit");
});

test("queue and forecast", () => {
  const fsrs = new Fsrs();
  const learned = fsrs.review(newCard("a", NOW), Rating.Easy, NOW).card;
  const cards = [newCard("b", NOW), learned];
  assert.deepEqual(dueQueue(cards, "2026-03-01T00:00:00Z"), [1, 0]);
  assert.deepEqual(dueQueue(cards, "2026-03-01T00:00:00Z", { newLimit: 0 }), [1]);
  const shuffled = dueQueue(cards, "2026-03-01T00:00:00Z", { order: "shuffled", seed: 42 });
  assert.deepEqual(shuffled, dueQueue(cards, "2026-03-01T00:00:00Z", { order: "shuffled", seed: 42 }));
  const counts = forecast(cards, NOW, 30);
  assert.equal(counts.reduce((a, b) => a + b, 0), 1);
});

test("a CardBatch reviews in place exactly as reviewMany does", () => {
  const fsrs = new Fsrs();
  const start = [0, 1, 2, 3, 4].map((i) => newCard(`c${i}`, NOW));
  const ratings = [1, 2, 3, 4, 3];
  const expected = fsrs.reviewMany(start, ratings, NOW);
  const batch = new CardBatch(start);
  assert.equal(batch.length, 5);
  fsrs.reviewBatch(batch, Uint8Array.from(ratings), NOW);
  assert.deepEqual(batch.toArray(), expected);
  assert.deepEqual(batch.get(3), expected[3]);
  assert.deepEqual(Array.from(batch.dueTimes()), expected.map((c) => Date.parse(c.due)));
  const later = "2026-03-01T00:00:00Z";
  assert.deepEqual(batch.dueQueue(later, undefined), dueQueue(expected, later, undefined));
  assert.deepEqual(batch.forecast(NOW, 5), forecast(expected, NOW, 5));
  batch.push(newCard("c5", NOW));
  assert.equal(CardBatch.newCards("n", 3, NOW).get(2).id, "n2");
  batch.free();
});

test("a failing CardBatch review changes nothing", () => {
  const fsrs = new Fsrs();
  const batch = CardBatch.newCards("n", 4, NOW);
  fsrs.reviewBatch(batch, Uint8Array.from([3, 3, 3, 3]), "2026-01-06T09:00:00Z");
  const before = batch.toArray();
  throwsWith(() => fsrs.reviewBatch(batch, Uint8Array.from([3, 3, 0, 3]), NOW), "invalid_input", "ratings[2]");
  throwsWith(() => fsrs.reviewBatch(batch, Uint8Array.from([3]), NOW), "invalid_input", "ratings");
  throwsWith(() => fsrs.reviewBatch(batch, Uint8Array.from([3, 3, 3, 3]), NOW), "review_before_last_review", "cards[0].now");
  assert.deepEqual(batch.toArray(), before);
  throwsWith(() => batch.get(4), "invalid_input", "index");
  throwsWith(() => new CardBatch([{ id: "x" }]), "invalid_input", "cards[0]");
  batch.free();
});

test("reschedule and cards from mistakes", () => {
  const card = newCard("c", NOW);
  assert.equal(reschedule(card, "2026-01-08T09:00:00Z", NOW).due, "2026-01-08T09:00:00Z");
  throwsWith(() => reschedule(card, "2026-01-04T09:00:00Z", NOW), "invalid_input", "due");
  const answers = [
    { question_id: "q1", correct: false },
    { question_id: "q2", correct: true },
    { question_id: "q1", correct: false },
    { question_id: "q3", correct: false },
  ];
  const cards = cardsFromMistakes(answers, NOW, [newCard("q3", NOW)]);
  assert.deepEqual(cards.map((c) => c.id), ["q1"]);
  assert.equal(cardsFromMistakes(answers, NOW).length, 2);
});

test("small rules come from the core", () => {
  assert.deepEqual(fuzzRange(10, 36500), [8, 12]);
  assert.equal(fuzzFactor("card-1", 3), fuzzFactor("card-1", 3));
  assert.deepEqual([1, 2, 3, 4].map(isPass), [false, true, true, true]);
  assert.deepEqual([1, 2, 3, 4].map(Sm2.qualityOf), [2, 3, 4, 5]);
  assert.ok(isMastered(0.99) && !isMastered(0.5) && isMastered(0.5, 0.4));
  const fsrs = new Fsrs();
  assert.equal(fsrs.reviewInterval(10), 10);
  const m = fsrs.memoryStateFromSm2(2.5, 10, 0.9);
  assert.ok(m.stability > 0 && m.difficulty >= 1 && m.difficulty <= 10);
  throwsWith(() => fsrs.memoryStateFromSm2(0.5, 10, 0.9), "invalid_input", "ease_factor");
});

test("load balancing reads the load given", () => {
  const fsrs = new Fsrs({ enableFuzzing: true, loadBalancing: true });
  let card = newCard("c", NOW);
  for (let i = 0; i < 4; i++) card = fsrs.review(card, Rating.Good, card.due).card;
  const at = card.due;
  const day = 86_400_000;
  const days = Math.round((Date.parse(new Fsrs().review(card, Rating.Good, at).card.due) - Date.parse(at)) / day);
  const [low, high] = fuzzRange(days, 36500);
  assert.ok(low < high);
  for (const quiet of [low, high]) {
    const load = new Array(high + 1).fill(1000);
    load[quiet] = 0;
    const balanced = fsrs.review(card, Rating.Good, at, null, load).card;
    assert.equal(Math.floor((Date.parse(balanced.due) - Date.parse(at)) / day), quiet);
    assert.equal(fsrs.preview(card, at, load).good.card.due, balanced.due);
  }
});

test("session documents upgrade", () => {
  const read = (name) => readFileSync(new URL(`../../tests/fixtures/sessions/${name}`, import.meta.url), "utf8");
  const legacy = JSON.parse(read("v1_legacy.json"));
  assert.equal(sessionVersion(legacy), 1);
  const upgraded = upgradeSession(legacy);
  assert.ok(sessionVersion(upgraded) > 1);
  assert.deepEqual(sessionFromJson(read("v1_legacy.json")), upgraded);
  assert.throws(() => upgradeSession(JSON.parse(read("v3_newer.json"))), (e) => e.name === "VersionTooNewError");
});
