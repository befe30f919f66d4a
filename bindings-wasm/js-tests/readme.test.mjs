// Every JavaScript block of the package's README runs as written, as an ES
// module in a scratch project where `learnloop` is the built package (as
// `npm install path/to/pkg` leaves it): a snippet that stops working fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const pkg = fileURLToPath(new URL("../pkg", import.meta.url));
const blocks = [...readFileSync(readme, "utf8").matchAll(/^```js\n([\s\S]*?)^```/gm)].map((m) => m[1]);

test("the README has JavaScript blocks", () => {
  assert.ok(blocks.length >= 3, `${blocks.length} blocks`);
});

blocks.forEach((code, i) => {
  test(`README js block ${i + 1} runs`, () => {
    const project = mkdtempSync(join(tmpdir(), "learnloop-readme-"));
    mkdirSync(join(project, "node_modules"));
    symlinkSync(pkg, join(project, "node_modules", "learnloop"), "dir");
    writeFileSync(join(project, "block.mjs"), code);
    // Throws (and fails the test) when the block exits non-zero; its stderr is in the error.
    execFileSync(process.execPath, ["block.mjs"], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
  });
});
