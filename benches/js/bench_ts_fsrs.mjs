// learnloop's npm package against ts-fsrs (the reference TypeScript FSRS) doing
// the same reviews in the same Node process.
//
//   node benches/js/bench_ts_fsrs.mjs            # full run (100,000 cards)
//   node benches/js/bench_ts_fsrs.mjs --quick    # smoke run (used by the test command)
//
// Batch: N cards in the review state, all answered Good at the same time.
// ts-fsrs: a loop over fsrs.next (its way to review many cards). learnloop,
// two ways: one reviewMany call on plain card objects (every card crosses the
// boundary both ways), and reviewBatch on a CardBatch kept in wasm memory
// (built before timing, as ts-fsrs's card objects are). Fuzz off in both.
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import { CardBatch, Fsrs, Rating, newCard } from "../../bindings-wasm/pkg/node.js";

const require = createRequire(new URL("../../bindings-wasm/package.json", import.meta.url));
const ts = require("ts-fsrs");

const quick = process.argv.includes("--quick");
const N = quick ? 10_000 : 100_000;
const CALLS = quick ? 2_000 : 20_000;
const NOW = new Date("2026-01-05T09:00:00Z");

const ours = new Fsrs({ desiredRetention: 0.9 });
const theirs = ts.fsrs(ts.generatorParameters({ enable_fuzz: false, enable_short_term: true, request_retention: 0.9 }));

// One card in review, the same in both libraries.
let a = newCard("0", NOW);
a = ours.review(a, Rating.Good, NOW).card;
a = ours.review(a, Rating.Good, a.due).card;
let b = ts.createEmptyCard(NOW);
b = theirs.next(b, NOW, ts.Rating.Good).card;
b = theirs.next(b, b.due, ts.Rating.Good).card;
if (Math.abs(a.memory.stability - b.stability) > 1e-4 * b.stability) {
  throw new Error(`the libraries disagree: ${a.memory.stability} vs ${b.stability}`);
}
const later = new Date(Date.parse(a.due) + 86_400_000);

function best(runs, fn) {
  let t = Infinity;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t = Math.min(t, performance.now() - s);
  }
  return t;
}

const runs = quick ? 1 : 5;
const perOurs = best(runs, () => { for (let i = 0; i < CALLS; i++) ours.review(a, Rating.Good, later); }) / CALLS;
const perTheirs = best(runs, () => { for (let i = 0; i < CALLS; i++) theirs.next(b, later, ts.Rating.Good); }) / CALLS;

const cardsOurs = Array.from({ length: N }, (_, i) => ({ ...a, id: `c${i}` }));
const cardsTheirs = Array.from({ length: N }, () => ({ ...b }));
const ratings = new Array(N).fill(Rating.Good);
const batchOurs = best(runs, () => ours.reviewMany(cardsOurs, ratings, later));
const batchTheirs = best(runs, () => { for (const c of cardsTheirs) theirs.next(c, later, ts.Rating.Good); });

const ratingBytes = new Uint8Array(N).fill(Rating.Good);
let batchInPlace = Infinity;
let lastBatch;
for (let i = 0; i < runs; i++) {
  lastBatch?.free();
  lastBatch = new CardBatch(cardsOurs); // fresh: reviewBatch changes it
  const s = performance.now();
  ours.reviewBatch(lastBatch, ratingBytes, later);
  batchInPlace = Math.min(batchInPlace, performance.now() - s);
}
const z = lastBatch.get(N - 1);
lastBatch.free();

const x = ours.reviewMany(cardsOurs.slice(0, 1), [Rating.Good], later)[0];
const y = theirs.next(cardsTheirs[0], later, ts.Rating.Good).card;
if (Math.abs(x.memory.stability - y.stability) > 1e-4 * y.stability) throw new Error("results differ");
if (z.memory.stability !== x.memory.stability || z.due !== x.due) throw new Error("reviewBatch differs from reviewMany");

console.log(`ts-fsrs ${ts.FSRSVersion ?? ""}, node ${process.version}`);
console.log(`per call     learnloop ${(perOurs * 1000).toFixed(2)} us   ts-fsrs ${(perTheirs * 1000).toFixed(2)} us   ratio ${(perTheirs / perOurs).toFixed(1)}x`);
console.log(`reviewMany  ${N.toLocaleString("en")}  learnloop ${batchOurs.toFixed(1)} ms   ts-fsrs ${batchTheirs.toFixed(1)} ms   ratio ${(batchTheirs / batchOurs).toFixed(1)}x`);
console.log(`reviewBatch ${N.toLocaleString("en")}  learnloop ${batchInPlace.toFixed(1)} ms   ts-fsrs ${batchTheirs.toFixed(1)} ms   ratio ${(batchTheirs / batchInPlace).toFixed(1)}x`);
