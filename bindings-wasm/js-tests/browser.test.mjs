// The package loads and works in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), served from 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { chromium } from "playwright-core";

const pkg = new URL("../pkg/", import.meta.url);
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

test("loads in headless Chromium", async () => {
  const server = createServer(async (req, res) => {
    const name = req.url === "/" ? "index.html" : req.url.slice(1);
    if (name === "index.html") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><title>learnloop</title>");
      return;
    }
    try {
      const body = await readFile(new URL(name, pkg));
      res.writeHead(200, { "content-type": types[name.slice(name.lastIndexOf("."))] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const result = await page.evaluate(async () => {
      const m = await import("/learnloop.js");
      await m.default();
      const fsrs = new m.Fsrs();
      const card = m.newCard("browser-card", "2026-01-05T09:00:00Z");
      const next = fsrs.review(card, m.Rating.Good, new Date("2026-01-05T09:00:00Z")).card;
      let error = null;
      try {
        fsrs.review(card, 9, "2026-01-05T09:00:00Z");
      } catch (e) {
        error = { name: e.name, kind: e.kind, code: e.code, field: e.field, isError: e instanceof Error };
      }
      return { due: next.due, state: next.state, error, agent: navigator.userAgent };
    });
    assert.equal(result.due, "2026-01-05T09:10:00Z");
    assert.equal(result.state, "learning");
    assert.deepEqual(result.error, { name: "InvalidRatingError", kind: "invalid_rating", code: "invalid_rating", field: "rating", isError: true });
    assert.match(result.agent, /HeadlessChrome|Chrome/);

    // The store entry: SQLite running in the page, saved to bytes and reopened.
    const stored = await page.evaluate(async () => {
      const m = await import("/store/learnloop.js");
      await m.default();
      const store = new m.Store();
      const now = "2026-01-05T09:00:00Z";
      const { card, log } = new m.Fsrs().review(m.newCard("c1", now), m.Rating.Good, now);
      store.recordReview("learner", card, log);
      const reopened = m.Store.fromBytes(store.toBytes());
      return { card: reopened.card("learner", "c1"), version: reopened.schemaVersion(), same: card };
    });
    assert.deepEqual(stored.card, stored.same);
    assert.ok(stored.version >= 3);
  } finally {
    await browser.close();
    server.close();
  }
});
