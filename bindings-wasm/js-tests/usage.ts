// Checked by `tsc --noEmit`: the generated types describe the API.
import { AnkiSm2, CardBatch, Fsrs, Rating, Sm2, newCard, dueQueue, forecast, optionsOf } from "learnloop";
import type { Card, FsrsOptions, LearnloopError, Options, Preview, ReviewOutcome, MemoryState } from "learnloop";

const settings: Options<FsrsOptions> = { desiredRetention: 0.9, learningSteps: [60, 600], enableFuzzing: true };
const fsrs: Fsrs = new Fsrs(settings);
const sm2 = new Sm2({ maximumInterval: 365 });
const anki = new AnkiSm2({ startingEase: 2.3 });
console.log(sm2.options, anki.options, optionsOf("queue", { newLimit: 5 }));
let card: Card = newCard("card-1", new Date());
const preview: Preview = fsrs.preview(card, "2026-01-05T09:00:00Z");
const due: string = preview.easy.card.due;
const outcome: ReviewOutcome = fsrs.review(card, Rating.Good, new Date(), 1500);
card = outcome.card;
const cards: Card[] = fsrs.reviewMany([card], [Rating.Easy], due);
const memory: MemoryState = fsrs.memoryState([[Rating.Again, 0], [Rating.Good, 3]]);
const order: number[] = dueQueue(cards, new Date(), { order: "shuffled", seed: 7 });
const counts: number[] = forecast(cards, new Date(), 14);
const batch: CardBatch = new CardBatch(cards);
fsrs.reviewBatch(batch, Uint8Array.of(Rating.Good), new Date());
const first: Card = batch.get(0);
const ids: string[] = batch.toArray().map((c: Card) => c.id);
console.log(first.id, ids, batch.length, batch.dueQueue(new Date(), { newLimit: 5 }).length);
batch.free();
try {
  fsrs.review(card, 9 as Rating, "2026-01-05T09:00:00Z");
} catch (e) {
  const err = e as LearnloopError;
  console.log(err.code, err.field, memory.stability, order.length, counts.length);
}

// Learner models and the adaptive engine.
import { AdaptiveEngine, Elo, ItemSelector, calibrate, estimateAbilityEap, fitBkt } from "learnloop";
import type { AbilityEstimate, BktSkillFit, Calibration, EloUpdate, ItemParameters, Observation } from "learnloop";

export function adapt(): number {
  const engine = new AdaptiveEngine({ seed: 1, successBandLow: 0.7 });
  const state = engine.initialState("2026-03-02T09:00:00Z");
  const elo = new Elo();
  const seen: Observation = engine.observe(state, { question_id: "q1", correct: true, at: new Date() });
  const items: ItemParameters[] = [{ discrimination: 1, difficulty: 0 }, { discrimination: 1.4, difficulty: 1, guessing: 0.2 }];
  const fit: Calibration = calibrate([[true, false], [false, true], [true, true], [false, false]], { model: "2PL" });
  const ability: AbilityEstimate = estimateAbilityEap(items, [true, null], { mean: 0 });
  const next: number | undefined = new ItemSelector({ rule: "success_band" }).select(fit.items, ability.theta, { seed: 3 });
  const fits: BktSkillFit[] = fitBkt([["s", "k", true]], { forgetting: false });
  const u: EloUpdate = elo.update({ rating: 0, answers: 0 }, { rating: 0.5, answers: 2 }, 1, 4);
  return seen.nextPredictedSuccess + (next ?? 0) + fits.length + u.predicted;
}

import { Fsrs as StoreFsrs, Replica } from "learnloop/store";
import type { AppliedChanges, EventBody, RecordedEvent, VersionVector } from "learnloop/store";

export function syncTwo(): bigint {
  const phone: Replica = new Replica("phone").withFsrs(new StoreFsrs());
  const laptop = new Replica("laptop");
  const body: EventBody = { kind: "card_added", card: "c1", at: new Date() };
  const made: RecordedEvent = phone.record(body, new Date());
  const vector: VersionVector = laptop.vector();
  const bytes: Uint8Array = phone.changesSince(vector);
  const applied: AppliedChanges = laptop.apply(bytes, "2026-01-05T09:00:00Z");
  console.log(made.seq + applied.new, laptop.state().cards);
  return laptop.digest();
}

import { Store, StoredReplica } from "learnloop/store";
import type { Acknowledgement } from "learnloop/store";

export function compactOnTheBackend(phone: Replica): number {
  const backend: StoredReplica = new Store().replica("ada", "backend", new Date(), { desiredRetention: 0.9 });
  backend.apply(phone.changesSince(backend.vector()), new Date());
  const ack: Acknowledgement = { vector: phone.vector(), clock: phone.clock() };
  backend.acknowledge("phone", ack);
  const peers: string[] = backend.peers();
  const compacted: number = backend.compact(new Date());
  phone.resync(backend.snapshot());
  return compacted + peers.length;
}
