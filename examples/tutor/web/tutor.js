// The tutor in the browser: the learner's answers go to a learnloop store
// running in the page (SQLite in wasm), kept in IndexedDB so that a reload
// or a night offline loses nothing, and travel to the backend as change
// sets when "Sync" is pressed, exactly as the phone app's do.
import init, { Store } from "/pkg/store/learnloop.js";

const SESSION = "s1";
const QUESTIONS = ["der Hund", "die Katze", "das Haus", "der Baum", "die Blume"];
const params = new URLSearchParams(location.search);
const learner = params.get("learner") ?? "demo";
const device = params.get("device") ?? deviceId();
const imageKey = `${learner}/${device}`;

/** A device id kept for this browser profile (an installation). */
function deviceId() {
  let id = localStorage.getItem("tutor-device");
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem("tutor-device", id);
  }
  return id;
}

/** IndexedDB holding one database image per learner and device. */
function images() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("tutor", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("images");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function loadImage() {
  const db = await images();
  return new Promise((resolve, reject) => {
    const get = db.transaction("images").objectStore("images").get(imageKey);
    get.onsuccess = () => resolve(get.result ?? null);
    get.onerror = () => reject(get.error);
  });
}

async function saveImage(bytes) {
  const db = await images();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("images", "readwrite");
    tx.objectStore("images").put(bytes, imageKey);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

await init();
const saved = await loadImage();
const store = saved ? Store.fromBytes(saved) : new Store();
const replica = store.replica(learner, device, new Date());
let syncState = saved ? "not synced since reload" : "never";

const answers = () => replica.state().sessions[SESSION]?.answers.length ?? 0;

function render() {
  const n = answers();
  document.querySelector("#question").textContent = `Translate: ${QUESTIONS[n % QUESTIONS.length]}`;
  const status = document.querySelector("#status");
  const digest = replica.digest().toString();
  Object.assign(status.dataset, { answers: String(n), digest, sync: syncState });
  status.textContent = `${n} answers · digest ${digest} · sync: ${syncState}`;
}

async function answer(correct) {
  const now = new Date();
  const n = answers();
  replica.record({
    kind: "answer",
    session: SESSION,
    interaction: { question_id: `web-${device}-${n}`, correct, at: now },
  }, now);
  await saveImage(store.toBytes());
  render();
}

/** One exchange with the backend (the protocol of examples/tutor/backend/app.py). */
async function sync() {
  syncState = "syncing";
  render();
  try {
    const response = await fetch(`/learners/${encodeURIComponent(learner)}/sync`, {
      method: "POST",
      headers: {
        "Content-Type": "application/octet-stream",
        "X-Device": device,
        "X-Learnloop-Vector": JSON.stringify(replica.vector()),
        "X-Learnloop-Clock": replica.clock().toString(),
      },
      body: replica.outbox("backend"),
    });
    if (!response.ok) throw new Error(`the backend answered ${response.status}: ${await response.text()}`);
    const reply = new Uint8Array(await response.arrayBuffer());
    try {
      replica.apply(reply, new Date());
    } catch (e) {
      if (e.code !== "resync_needed") throw e;
      // The backend compacted events this browser never received.
      const snapshot = await fetch(`/learners/${encodeURIComponent(learner)}/snapshot`);
      replica.resync(new Uint8Array(await snapshot.arrayBuffer()), new Date());
      replica.apply(reply, new Date());
    }
    replica.acknowledge("backend", { vector: JSON.parse(response.headers.get("X-Learnloop-Vector")) });
    await saveImage(store.toBytes());
    syncState = response.headers.get("X-Learnloop-Digest") === replica.digest().toString()
      ? "in sync" : "diverged";
  } catch (e) {
    syncState = `failed (${e.message})`;
  }
  render();
}

// A new installation syncs once before the learner answers: from then on
// the backend counts on this device and compacts nothing it lacks. (Answers
// recorded offline before a first sync reach the backend too, unless it
// compacted past them meanwhile: it then refuses them as event_below_floor.)
if (Object.keys(replica.acknowledged("backend")).length === 0 && navigator.onLine) await sync();

document.querySelector("#right").onclick = () => answer(true);
document.querySelector("#wrong").onclick = () => answer(false);
document.querySelector("#sync").onclick = () => sync();
for (const button of document.querySelectorAll("button")) button.disabled = false;
render();
