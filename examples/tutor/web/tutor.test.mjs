// The tutor in a browser, as a learner uses it: headless Chromium (Debian's
// /usr/bin/chromium) opens the page the FastAPI backend serves, answers
// offline, syncs when back online and converges with a phone (the npm
// package under Node, speaking the same protocol); a reload keeps every
// answer (the store's image in IndexedDB); a browser that was away while
// the backend compacted resyncs from its snapshot without losing an answer.
//
// TUTOR_PYTHON names the Python with learnloop, fastapi and uvicorn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Replica } from "learnloop/store";
import { chromium } from "playwright-core";

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

async function startBackend(dir, port) {
  const log = openSync(join(dir, "backend.log"), "a");
  const backend = spawn(process.env.TUTOR_PYTHON ?? "python3", [
    "-m", "uvicorn", "app:app", "--app-dir", new URL("../backend", import.meta.url).pathname,
    "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning",
  ], { env: { ...process.env, TUTOR_DB: join(dir, "backend.db") }, stdio: ["ignore", log, log] });
  for (let i = 0; i < 300; i++) {
    if (backend.exitCode !== null) throw new Error(`the backend exited; see ${dir}/backend.log`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return backend;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the backend did not answer within 30 s");
}

/** The phone: the npm package under Node, the same exchange as the page's. */
async function phoneSync(url, phone, acknowledged) {
  const response = await fetch(`${url}/learners/ada/sync`, {
    method: "POST",
    headers: {
      "Content-Type": "application/octet-stream",
      "X-Device": phone.device,
      "X-Learnloop-Vector": JSON.stringify(phone.vector()),
      "X-Learnloop-Clock": phone.clock().toString(),
    },
    body: phone.changesSince(acknowledged.vector),
  });
  assert.equal(response.status, 200, await response.clone().text());
  phone.apply(new Uint8Array(await response.arrayBuffer()), new Date());
  acknowledged.vector = JSON.parse(response.headers.get("X-Learnloop-Vector"));
  return { digest: response.headers.get("X-Learnloop-Digest"), compacted: Number(response.headers.get("X-Learnloop-Compacted")) };
}

const status = async (page) => page.$eval("#status", (s) => ({ ...s.dataset }));

async function click(page, button, answersAfter) {
  await page.click(button);
  await page.waitForSelector(`#status[data-answers="${answersAfter}"]`);
}

async function syncPage(page) {
  await page.click("#sync");
  await page.waitForFunction(() => document.querySelector("#status").dataset.sync !== "syncing");
  return status(page);
}

test("a browser answers offline, syncs, survives a reload and resyncs after compaction", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tutor-web-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const backend = await startBackend(dir, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${url}/web/?learner=ada&device=browser-1`);
    await page.waitForSelector("#sync:not([disabled])");
    assert.equal((await status(page)).sync, "in sync", "a new installation syncs once on its first load");

    // Both answer offline: the browser with its network cut, the phone apart.
    await context.setOffline(true);
    await click(page, "#right", "1");
    await click(page, "#wrong", "2");
    await click(page, "#right", "3");
    const failed = await syncPage(page);
    assert.match(failed.sync, /^failed/, "no network, no exchange");
    assert.equal(failed.answers, "3", "the answers are kept");
    const phone = new Replica("phone-1");
    const sent = { vector: {} };
    const at = new Date();
    for (const q of ["p1", "p2"]) {
      phone.record({ kind: "answer", session: "s1", interaction: { question_id: q, correct: true, at } }, at);
    }

    // Back online: they converge with the backend and with each other.
    await context.setOffline(false);
    await phoneSync(url, phone, sent);
    const synced = await syncPage(page);
    assert.equal(synced.sync, "in sync");
    assert.equal(synced.answers, "5", "three browser answers and two of the phone's");
    const last = await phoneSync(url, phone, sent);
    assert.equal(last.digest, synced.digest);
    assert.equal(phone.digest().toString(), synced.digest);
    const session = await (await fetch(`${url}/learners/ada/sessions/s1`)).json();
    assert.equal(session.answers, 5);

    // A reload (or a closed tab) keeps every answer: the image is in IndexedDB.
    await page.reload();
    await page.waitForSelector("#sync:not([disabled])");
    const reloaded = await status(page);
    assert.equal(reloaded.answers, "5");
    assert.equal(reloaded.digest, synced.digest);

    // The browser is left alone; the backend retires it and compacts the
    // phone's exchanges. It comes back with an offline answer and resyncs.
    assert.equal((await fetch(`${url}/learners/ada/peers/browser-1`, { method: "DELETE" })).status, 200);
    let compacted = 0;
    for (let round = 0; round < 3; round++) {
      const later = new Date();
      phone.record({ kind: "answer", session: "s1", interaction: { question_id: `p-later-${round}`, correct: false, at: later } }, later);
      compacted += (await phoneSync(url, phone, sent)).compacted;
    }
    assert.ok(compacted >= 5, `compacted ${compacted}`);
    await click(page, "#right", "6");
    const back = await syncPage(page);
    assert.equal(back.sync, "in sync");
    assert.equal(back.answers, "9", "its offline answer and the phone's three");
    const phoneAfter = await phoneSync(url, phone, sent);
    assert.equal(phoneAfter.digest, back.digest);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    backend.kill("SIGKILL");
  }
});
