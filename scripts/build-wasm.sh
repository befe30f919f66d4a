#!/usr/bin/env bash
# Build the npm package `learnloop` into bindings-wasm/pkg:
#   wasm32 build (profile wasm-release) -> wasm-bindgen (web target) -> wasm-opt -Oz
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli at the locked
# wasm-bindgen version, and `npm ci` in bindings-wasm (for binaryen's wasm-opt).
# scripts/test-all.sh installs all of them.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
target_dir=${CARGO_TARGET_DIR:-$root/target}
pkg=bindings-wasm/pkg

# One entry per feature set: the default (scheduling, small) and `store`
# (the same API plus the SQLite store; SQLite is compiled to wasm32 with
# clang, see .cargo/config.toml).
build_entry() {
    local out=$1
    shift
    cargo build --quiet -p learnloop-wasm --target wasm32-unknown-unknown --profile wasm-release "$@"
    wasm-bindgen --target web --out-dir "$out" --out-name learnloop \
        "$target_dir/wasm32-unknown-unknown/wasm-release/learnloop_wasm.wasm"
    bindings-wasm/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$out/learnloop_bg.wasm" -o "$out/learnloop_bg.wasm"
    # Node entry: load the module synchronously, then expose the same exports,
    # and a default `init` that has nothing left to do, so that browser code
    # (`import init, {...}; await init();`) runs unchanged under Node.
    cat > "$out/node.js" <<'JS'
import { readFileSync } from "node:fs";
import { initSync } from "./learnloop.js";
const exports = initSync({ module: readFileSync(new URL("./learnloop_bg.wasm", import.meta.url)) });
export * from "./learnloop.js";
export default async function init() {
  return exports;
}
JS
}
rm -rf "$pkg"
build_entry "$pkg"
build_entry "$pkg/store" --features store
rm -f "$pkg/.gitignore" "$pkg/store/.gitignore" "$pkg/store/package.json"
cp bindings-wasm/README.md "$pkg/README.md"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cat > "$pkg/package.json" <<JSON
{
  "name": "learnloop",
  "version": "$version",
  "description": "Adaptive-learning engine: FSRS-6 and SM-2 spaced repetition, one Rust core for every platform",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./node.js",
  "types": "./learnloop.d.ts",
  "exports": {
    ".": {
      "types": "./learnloop.d.ts",
      "node": "./node.js",
      "default": "./learnloop.js"
    },
    "./store": {
      "types": "./store/learnloop.d.ts",
      "node": "./store/node.js",
      "default": "./store/learnloop.js"
    }
  },
  "files": ["learnloop.js", "learnloop.d.ts", "learnloop_bg.wasm", "learnloop_bg.wasm.d.ts", "node.js", "store/", "README.md"],
  "sideEffects": ["./node.js", "./store/node.js"]
}
JSON
raw=$(stat -c %s "$pkg/learnloop_bg.wasm")
gz=$(gzip -9 -c "$pkg/learnloop_bg.wasm" | wc -c)
all=$(tar -C "$pkg" -cf - learnloop.js learnloop.d.ts learnloop_bg.wasm node.js package.json | gzip -9 | wc -c)
echo "wasm: $raw bytes raw, $gz bytes gzipped; whole package gzipped: $all bytes"
# The default entry's size budget: 350 KB gzipped for the whole package
# (sync is in the store entry: in the default one it added 92 KB).
budget=350000
if [ "$all" -gt "$budget" ]; then
    echo "the default package is $all bytes gzipped, over its budget of $budget" >&2
    exit 1
fi
raw=$(stat -c %s "$pkg/store/learnloop_bg.wasm")
gz=$(gzip -9 -c "$pkg/store/learnloop_bg.wasm" | wc -c)
echo "store entry (learnloop/store, with SQLite): $raw bytes raw, $gz bytes gzipped"
