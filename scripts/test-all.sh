#!/usr/bin/env bash
# Install what is missing, then run every test of every language in the
# repository. Idempotent: a second run reuses the Python environment and the
# build cache under ~/.cache/learnloop.
#
#   ./scripts/test-all.sh
#
# Ends with "steps: N passed, N failed" and exits non-zero if any step failed.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cache=${LEARNLOOP_CACHE:-$HOME/.cache/learnloop}
mkdir -p "$cache"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

passed=0
failed=0
failures=()
step() {
    local name=$1
    shift
    local start=$SECONDS
    # LEARNLOOP_ONLY=<regex> runs only the matching steps (for development;
    # a step may need an earlier one, e.g. the library build).
    if [ -n "${LEARNLOOP_ONLY:-}" ] && ! [[ $name =~ $LEARNLOOP_ONLY ]]; then
        return 0
    fi
    echo
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "--- ok: $name ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "--- FAILED: $name ($((SECONDS - start)) s)"
    fi
}

# ---- toolchains -------------------------------------------------------------

ensure_rust() {
    if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "cargo not found. Install Rust >= 1.88 with rustup (https://rustup.rs)." >&2
        return 1
    fi
    if command -v rustup >/dev/null 2>&1; then
        rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
        rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
    fi
    cargo --version
}

# The reference FSRS implementation (py-fsrs), in a venv outside the checkout.
pyref=$cache/pyref
ensure_pyref() {
    command -v python3 >/dev/null 2>&1 || { echo "python3 not found" >&2; return 1; }
    [ -x "$pyref/bin/python" ] || python3 -m venv "$pyref" || return 1
    local want
    want=$(sed -n 's/^fsrs==//p' tests/fsrs_reference/requirements.txt)
    if [ "$("$pyref/bin/python" -c 'import importlib.metadata as m; print(m.version("fsrs"))' 2>/dev/null)" != "$want" ]; then
        "$pyref/bin/pip" install --quiet --disable-pip-version-check -r tests/fsrs_reference/requirements.txt || return 1
    fi
    "$pyref/bin/python" -c 'import importlib.metadata as m; print("py-fsrs", m.version("fsrs"))'
}

# Python tooling for the bindings (maturin, pytest, mypy), outside the checkout.
pyenv=$cache/pyenv
ensure_pyenv() {
    command -v python3 >/dev/null 2>&1 || { echo "python3 not found" >&2; return 1; }
    [ -x "$pyenv/bin/python" ] || python3 -m venv "$pyenv" || return 1
    local stamp=$pyenv/.requirements wanted
    wanted=$(cat bindings-python/requirements-dev.txt benches/python/requirements.txt tests/learner_reference/requirements.txt examples/tutor/backend/requirements.txt)
    if [ "$wanted" != "$(cat "$stamp" 2>/dev/null)" ]; then
        # The package's own tools, then the peers of the benchmarks and fixtures.
        "$pyenv/bin/pip" install --quiet --disable-pip-version-check \
            -r bindings-python/requirements-dev.txt -r benches/python/requirements.txt \
            -r examples/tutor/backend/requirements.txt || return 1
        printf '%s' "$wanted" >"$stamp"
    fi
    "$pyenv/bin/maturin" --version
}

# WebAssembly: the wasm32 target, wasm-bindgen-cli equal to the locked
# wasm-bindgen, the npm dev tools (binaryen, typescript, playwright-core,
# ts-fsrs) and Debian's Chromium for the browser test.
ensure_wasm_tools() {
    if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
        rustup target add wasm32-unknown-unknown || return 1
    fi
    local want
    want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
    if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
        # Without --locked: wasm-bindgen-cli's own lock file pins versions this toolchain may reject.
        cargo install wasm-bindgen-cli --version "=$want" --quiet || return 1
    fi
    wasm-bindgen --version
    command -v node >/dev/null 2>&1 || { echo "node not found" >&2; return 1; }
    local stamp=bindings-wasm/node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || ! cmp -s bindings-wasm/package-lock.json "$cache/npm-lock"; then
        (cd bindings-wasm && npm ci --no-audit --no-fund --loglevel=error) || return 1
        cp bindings-wasm/package-lock.json "$cache/npm-lock"
    fi
    # clang and llvm-ar for wasm32: SQLite compiled into the store entry.
    if ! command -v clang-19 >/dev/null 2>&1 || ! command -v llvm-ar-19 >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                clang-19 llvm-19 >/dev/null || return 1
        else
            echo "clang-19 missing: apt-get install --no-install-recommends clang-19 llvm-19 (as root)" >&2
            return 1
        fi
    fi
    clang-19 --version | head -1
    if [ ! -x /usr/bin/chromium ]; then
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null || return 1
        else
            echo "Chromium missing: apt-get install --no-install-recommends chromium (as root)" >&2
            return 1
        fi
    fi
    node --version
}

# Kotlin on the JVM: Maven (from Debian if missing) fetches the Kotlin
# compiler, JNA and JUnit from Maven Central into ~/.m2.
ensure_maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >/dev/null || return 1
        else
            echo "Maven missing: apt-get install --no-install-recommends maven (as root)" >&2
            return 1
        fi
    fi
    command -v java >/dev/null 2>&1 || { echo "java not found" >&2; return 1; }
    local version
    version=$(mvn -B -v 2>&1) || { echo "$version" >&2; return 1; }
    echo "${version%%$'\n'*}"
}

# Swift: Debian 12 has none; Debian 13's swiftlang runs in a minimal trixie
# chroot made with debootstrap under the cache (root needed, as on CI).
swift_root=$cache/swift-chroot
# Run a command in the chroot with /proc mounted: swiftc finds its own runtime
# libraries through /proc/self/exe.
in_swift_root() {
    local mounted=0 status=0
    if ! mountpoint -q "$swift_root/proc"; then
        mount --bind /proc "$swift_root/proc" && mounted=1
    fi
    chroot "$swift_root" "$@" || status=$?
    [ "$mounted" = 1 ] && umount "$swift_root/proc"
    return $status
}

ensure_swift() {
    if [ ! -x "$swift_root/usr/bin/swiftc" ]; then
        [ "$(id -u)" = 0 ] || { echo "the Swift chroot needs root" >&2; return 1; }
        if ! command -v debootstrap >/dev/null 2>&1; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null || return 1
        fi
        mountpoint -q "$swift_root/proc" && umount "$swift_root/proc"
        rm -rf --one-file-system "$swift_root"
        debootstrap --variant=minbase trixie "$swift_root" http://deb.debian.org/debian >/dev/null || return 1
        in_swift_root bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends swiftlang libc6-dev >/dev/null 2>&1" || return 1
    fi
    in_swift_root swiftc --version
}

# ---- checks -----------------------------------------------------------------

fixture_is_reproducible() {
    local out
    out=$(mktemp -d)/fsrs6_reference.json
    "$pyref/bin/python" tests/fsrs_reference/generate.py "$out" || return 1
    if cmp -s "$out" tests/fixtures/fsrs6_reference.json; then
        echo "tests/fixtures/fsrs6_reference.json is exactly what py-fsrs produces"
    else
        echo "tests/fixtures/fsrs6_reference.json differs from a fresh py-fsrs run" >&2
        return 1
    fi
}

# The learner-model fixture, regenerated from pyBKT, girth and mirt and
# compared number by number (the peers' floating point may differ in the
# last bits between numpy builds, so not byte for byte).
learner_fixture_is_reproducible() {
    local out
    out=$(mktemp -d)/learner_reference.json
    "$pyenv/bin/python" tests/learner_reference/generate.py --out "$out" || return 1
    "$pyenv/bin/python" tests/learner_reference/compare.py tests/fixtures/learner_reference.json "$out"
}

ensure_cargo_fuzz() {
    if ! command -v cargo-fuzz >/dev/null 2>&1; then
        cargo install cargo-fuzz --locked --quiet || return 1
    fi
    cargo fuzz --version
}

# libFuzzer on every decoder of outside input, from the committed seeds.
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 enables them on stable.
fuzz_targets() {
    local seconds=${FUZZ_SECONDS:-20} t corpus status=0
    for t in fuzz/fuzz_targets/*.rs; do
        t=$(basename "$t" .rs)
        corpus=$(mktemp -d)
        echo "fuzzing $t for ${seconds}s"
        if ! (cd fuzz && CARGO_TARGET_DIR="$cache/fuzz-target" RUSTC_BOOTSTRAP=1 \
            cargo fuzz run "$t" "$corpus" "seeds/$t" -- -max_total_time="$seconds" \
            -artifact_prefix="$corpus/" 2>&1 | grep -E "^Done|panicked|ERROR|SUMMARY|crash-"); then
            status=1
        fi
        if ls "$corpus"/crash-* >/dev/null 2>&1; then
            echo "crash inputs kept in $corpus" >&2
            status=1
        fi
    done
    return $status
}

wheel_dir=$(mktemp -d)
python_wheel_builds() {
    (cd bindings-python && "$pyenv/bin/maturin" build --release --quiet --out "$wheel_dir" \
        --interpreter "$pyenv/bin/python") || return 1
    ls "$wheel_dir"
}

# The wheel must install and import in a brand-new virtual environment.
python_wheel_installs_fresh() {
    local venv
    venv=$(mktemp -d)/venv
    python3 -m venv "$venv" || return 1
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel_dir"/learnloop-*.whl || return 1
    "$venv/bin/python" -c 'import learnloop as ll, datetime as d
now = d.datetime(2026, 1, 5, tzinfo=d.timezone.utc)
card, log = ll.Fsrs().review(ll.Card.new("c", now), ll.Rating.GOOD, now)
print("fresh venv:", card)'
}

python_tests() {
    "$pyenv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
        "$wheel_dir"/learnloop-*.whl || return 1
    "$pyenv/bin/python" -m pytest -q bindings-python/tests
}

python_types() {
    (cd bindings-python/tests && "$pyenv/bin/python" -m mypy --strict --no-incremental typing_usage.py)
}

python_bench_smoke() {
    "$pyenv/bin/python" benches/python/bench_fsrs.py --quick || return 1
    "$pyenv/bin/python" benches/python/bench_learner.py --quick
}

wasm_package_builds() {
    ./scripts/build-wasm.sh
}

wasm_bindgen_tests() {
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test -p learnloop-wasm --target wasm32-unknown-unknown --test node
}

js_tests() {
    (cd bindings-wasm && node --test js-tests/*.test.mjs)
}

ts_types() {
    (cd bindings-wasm/js-tests && ../node_modules/.bin/tsc -p tsconfig.json)
}

js_bench_smoke() {
    node benches/js/bench_ts_fsrs.mjs --quick
}

mobile_library_builds() {
    cargo build --quiet --release -p learnloop-mobile --features cli
}

uniffi_bindgen() {
    "$CARGO_TARGET_DIR/release/uniffi-bindgen" generate \
        --library "$CARGO_TARGET_DIR/release/liblearnloop_mobile.so" --no-format "$@"
}

kotlin_tests() {
    local out=bindings-mobile/kotlin/target/generated-sources/uniffi
    rm -rf "$out"
    uniffi_bindgen --language kotlin --out-dir "$out" || return 1
    (cd bindings-mobile/kotlin && mvn -B -q test \
        -Dlearnloop.lib.dir="$CARGO_TARGET_DIR/release" \
        -Dlearnloop.fixtures="$root/tests/fixtures") || return 1
    cat bindings-mobile/kotlin/target/surefire-reports/*.txt | grep -E "Tests run"
}

# The tutor app (seed 000): its Kotlin client's test starts the FastAPI backend
# (uvicorn, the pyenv's learnloop package) on a free port, syncs phones with
# it, kills and restarts it, and stops it at the end.
tutor_app() {
    (cd examples/tutor/client && mvn -B -q test \
        -Dlearnloop.bindings="$root/bindings-mobile/kotlin/target/generated-sources/uniffi" \
        -Dlearnloop.lib.dir="$CARGO_TARGET_DIR/release" \
        -Dtutor.python="$pyenv/bin/python") || return 1
    cat examples/tutor/client/target/surefire-reports/*.txt | grep -E "Tests run"
}

# The tutor's browser client: the page the backend serves, in headless
# Chromium, syncing with the backend and a phone (the npm package under Node).
tutor_browser() {
    (cd examples/tutor/web && npm ci --no-audit --no-fund --loglevel=error && \
        TUTOR_PYTHON="$pyenv/bin/python" node --test) || return 1
}

# The library's exported functions, read from the library itself: the
# generated code must bind every one (no hand-kept list to fall behind).
exported_symbols() {
    nm -D --defined-only "$CARGO_TARGET_DIR/release/liblearnloop_mobile.so" | awk '{print $3}'
}

# Swift is generated and checked to call every exported function; the next
# steps compile and run it (swiftc in a Debian 13 chroot).
swift_out=$(mktemp -d)
swift_generation() {
    local out=$swift_out missing=0 sym count=0
    uniffi_bindgen --language swift --out-dir "$out" || return 1
    for sym in $(exported_symbols | grep '^uniffi_learnloop_mobile_fn_'); do
        count=$((count + 1))
        grep -q "\b$sym(" "$out/Learnloop.swift" || { echo "the Swift never calls $sym" >&2; missing=1; }
    done
    [ "$missing" = 0 ] && echo "$(ls "$out" | tr '\n' ' '): all $count exported functions called"
    return $missing
}

# The generated Swift compiled with swiftc and run against the library.
swift_tests() {
    local work=$swift_root/tmp/learnloop-swift
    rm -rf "$work" && mkdir -p "$work/fixtures" || return 1
    cp "$swift_out"/* bindings-mobile/swift-tests/main.swift "$CARGO_TARGET_DIR/release/liblearnloop_mobile.so" "$work/" || return 1
    cp -r tests/fixtures/conformance tests/fixtures/sessions "$work/fixtures/" || return 1
    in_swift_root bash -c "cd /tmp/learnloop-swift && \
        swiftc -O -module-name LearnloopTests -I . \
            -Xcc -fmodule-map-file=/tmp/learnloop-swift/learnloopFFI.modulemap \
            Learnloop.swift main.swift -L . -llearnloop_mobile \
            -Xlinker -rpath -Xlinker /tmp/learnloop-swift -o swift-tests && \
        ./swift-tests /tmp/learnloop-swift/fixtures"
}

# Dart for Flutter: no Dart SDK installs on this machine kind, so the bindings
# are generated (uniffi-bindgen-dart, built for this uniffi version) and
# checked: every exported function is in the Dart API, and every C symbol the
# Dart code looks up is exported by the library (the C ABI test runs those
# calls for real).
ensure_uniffi_dart() {
    # 0.2.0 is the release built against uniffi 0.32.2, the version in Cargo.lock.
    if ! command -v uniffi-bindgen-dart >/dev/null 2>&1; then
        cargo install uniffi-bindgen-dart --version =0.2.0 --quiet || return 1
    fi
    command -v uniffi-bindgen-dart
}

dart_generation() {
    local out lib=$CARGO_TARGET_DIR/release/liblearnloop_mobile.so missing=0 sym exported log count=0
    out=$(mktemp -d)
    log=$(uniffi-bindgen-dart generate --out-dir "$out" --no-format --crate learnloop_mobile "$lib" 2>&1) || { echo "$log" >&2; return 1; }
    # The generator skips what it cannot express, with a warning: a skipped
    # method is a capability Flutter apps would silently lack.
    if grep -q "Skipping" <<<"$log"; then
        echo "$log" >&2
        missing=1
    fi
    local dart=$out/learnloop_mobile.dart
    exported=$(exported_symbols)
    # Every exported function is called, directly or through its ffibuffer twin.
    for sym in $(grep '^uniffi_learnloop_mobile_fn_' <<<"$exported"); do
        count=$((count + 1))
        grep -qE "'(uniffi_ffibuffer_)?${sym#uniffi_}'|'$sym'" "$dart" || { echo "the Dart never calls $sym" >&2; missing=1; }
    done
    local field
    for sym in $(grep -oE "lookupFunction<[^']*'[a-z_0-9]+'" "$dart" | grep -oE "'[a-z_0-9]+'" | tr -d "'" | sort -u); do
        # A `late final` lookup runs on first use: one declared and never
        # used (the generator's rust_bytes_free helper) is never looked up.
        field=$(grep -oE "late final [^=]* _[A-Za-z0-9]+ = _lib\.lookupFunction<[^']*'$sym'" "$dart" | grep -oE "_[A-Za-z0-9]+ = _lib" | head -1)
        field=${field% = _lib}
        if [ -n "$field" ] && [ "$(grep -c "\b$field\b" "$dart")" -le 1 ]; then
            echo "Dart declares $field ($sym) and never uses it"
            continue
        fi
        grep -qx "$sym" <<<"$exported" || { echo "Dart looks up $sym, which the library does not export" >&2; missing=1; }
    done
    [ "$missing" = 0 ] && echo "$(wc -l <"$dart") lines of Dart call all $count exported functions; its $(grep -coE "lookupFunction<" "$dart") lookups are all exported"
    return $missing
}

# The C ABI under the generated code, called from C (cc from the machine).
c_abi_test() {
    local bin
    bin=$(mktemp -d)/abi_test
    cc -Wall -Wextra -Werror -I"$swift_out" bindings-mobile/c-tests/abi_test.c \
        -L"$CARGO_TARGET_DIR/release" -llearnloop_mobile -Wl,-rpath,"$CARGO_TARGET_DIR/release" \
        -o "$bin" || return 1
    "$bin"
}

# The main job on its SQLite file: created on the first run, and the
# learner's session resumed from it on the second (a restart). The table is
# shown; the checks read the --json output's fields (every field is checked
# by core/tests/main_job.rs).
main_job_runs() {
    local out db main_job
    db=$(mktemp -d)/learnloop.db
    # The README's first command as written, with the arguments added.
    main_job=$(awk '/^```bash$/ { getline; print; exit }' README.md | sed 's/ *#.*//')
    echo "README: $main_job"
    [[ $main_job == "cargo run "*" simulate" ]] || { echo "README's first command is not the main job" >&2; return 1; }
    out=$(eval "$main_job --days 60 --seed 7 --db \"\$db\"") || return 1
    echo "$out" | head -8
    echo "$out" | tail -6
    out=$(eval "$main_job --days 60 --seed 7 --db \"\$db\" --json") || return 1
    python3 -c '
import json, sys
run = json.load(sys.stdin)
saved = run["saved"]
assert run["total_reviews"] > 0 and 0.8 < run["retention"] < 0.97, run["retention"]
assert not saved["created"] and saved["earlier_runs"] == 1 and saved["resumed"], saved
assert saved["cards_stored"] == run["cards_learned"] > 0, saved
assert saved["due_before_tomorrow"] == run["forecast"][0]["due"], saved
print("second run resumed", saved["session_id"], "after", saved["earlier_runs"], "earlier run;",
      saved["cards_stored"], "cards stored, retention", round(run["retention"], 3))
' <<<"$out"
}

# Every code block of the READMEs: Rust, Python, JS and Kotlin blocks run in
# their suites; this lists them all, fails on one nothing runs, and runs the
# bash blocks (installing the packages as a user would, in scratch dirs).
readme_blocks() {
    python3 scripts/readme_blocks.py check && python3 scripts/readme_blocks.py run-bash
}

step "rust toolchain" ensure_rust || true
step "cargo fmt" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings
step "cargo test (Rust unit, property, conformance, doc tests; fsrs-rs comparison)" \
    cargo test --workspace --all-features
# Every criterion bench once (its test mode): a bench whose setup breaks
# is caught here, not at the next measurement.
step "Rust benches run once (criterion test mode)" \
    cargo test -p learnloop-benches --benches --all-features
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --all-features --no-deps --quiet
step "reference implementation (py-fsrs venv)" ensure_pyref
step "FSRS fixture reproduces from py-fsrs" fixture_is_reproducible
step "main job (learnloop simulate)" main_job_runs
step "Python tooling (venv: maturin, pytest, mypy)" ensure_pyenv
step "learner fixture reproduces from pyBKT, girth and mirt" learner_fixture_is_reproducible
step "Python wheel (abi3, maturin)" python_wheel_builds
step "Python wheel installs into a fresh venv" python_wheel_installs_fresh
step "Python tests (pytest)" python_tests
step "Python types (mypy --strict)" python_types
step "Python benchmark smoke run (against py-fsrs, mirt, pyBKT, girth)" python_bench_smoke
step "WebAssembly tools (wasm32 target, wasm-bindgen-cli, npm, Chromium)" ensure_wasm_tools
step "npm package (wasm-bindgen, wasm-opt)" wasm_package_builds
step "wasm-bindgen-test under Node" wasm_bindgen_tests
step "JS tests (node --test: API, conformance, headless Chromium)" js_tests
step "TypeScript types (tsc --noEmit)" ts_types
step "JS benchmark smoke run (against ts-fsrs)" js_bench_smoke
step "Maven and Java" ensure_maven
step "mobile library (uniffi cdylib)" mobile_library_builds
step "Kotlin tests (uniffi Kotlin on the JVM, JUnit 5 via Maven)" kotlin_tests
step "tutor app (FastAPI backend and Kotlin client, synced over HTTP)" tutor_app
step "tutor app in the browser (the page in headless Chromium, with the npm package)" tutor_browser
step "Swift bindings generated (uniffi)" swift_generation
step "C ABI test (the calls the generated code makes)" c_abi_test
step "Swift toolchain (Debian 13 swiftlang in a chroot)" ensure_swift
step "Swift tests (generated Swift compiled and run)" swift_tests
step "Dart generator (uniffi-bindgen-dart)" ensure_uniffi_dart
step "Dart bindings generated and checked against the library" dart_generation
step "README code blocks (each has a runner; the bash ones run here)" readme_blocks
step "cargo-fuzz" ensure_cargo_fuzz
step "fuzz targets" fuzz_targets

echo
if [ "$failed" -gt 0 ]; then
    printf 'failed step: %s\n' "${failures[@]}"
fi
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
