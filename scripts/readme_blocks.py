#!/usr/bin/env python3
"""Every code block of the READMEs is executed by the test command.

    python3 scripts/readme_blocks.py check      # every block has a runner
    python3 scripts/readme_blocks.py run-bash   # run the bash blocks

`check` lists each block of README.md and the bindings' READMEs with what
runs it, and fails on a block nothing runs. Rust blocks of README.md are
doc tests (core/src/lib.rs includes the README); Python, JavaScript and
Kotlin blocks are run by their language's suite (the files named below);
bash blocks are run here, each in a fresh scratch directory with
LEARNLOOP set to the checkout. A block that cannot run on this machine is
preceded by `<!-- readme-blocks: not run: <reason> -->`, one that another
step runs by `<!-- readme-blocks: run by: <step> -->`; both are printed.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READMES = ["README.md", "bindings-python/README.md", "bindings-wasm/README.md", "bindings-mobile/README.md"]
SKIP = re.compile(r"<!-- readme-blocks: ((?:not run|run by): .*?) -->\s*$")

# Who runs each language's blocks, per README.
RUNNERS = {
    ("README.md", "rust"): "cargo test: doc tests of core/src/lib.rs, which includes README.md",
    ("README.md", "python"): "pytest bindings-python/tests/test_readme.py",
    ("bindings-python/README.md", "python"): "pytest bindings-python/tests/test_readme.py",
    ("bindings-wasm/README.md", "js"): "node --test bindings-wasm/js-tests/readme.test.mjs",
    ("bindings-mobile/README.md", "kotlin"): "mvn test: bindings-mobile/kotlin/.../ReadmeTest.kt",
}


def blocks(readme: str):
    """(line, language, code, reason not run or None) of each fenced block."""
    lines = (ROOT / readme).read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\S*)$", lines[i])
        if not m:
            i += 1
            continue
        start, language = i, m.group(1)
        end = next(j for j in range(i + 1, len(lines)) if lines[j] == "```")
        previous = lines[start - 1] if start > 0 else ""
        skip = SKIP.match(previous)
        yield start + 1, language, "\n".join(lines[start + 1 : end]) + "\n", skip and skip.group(1)
        i = end + 1


def runner(readme: str, language: str, reason):
    if reason:
        return reason
    if language == "bash":
        return "scripts/readme_blocks.py run-bash"
    return RUNNERS.get((readme, language))


def check() -> int:
    missing = 0
    for readme in READMES:
        for line, language, _, reason in blocks(readme):
            who = runner(readme, language, reason)
            print(f"{readme}:{line} {language or '(no language)'}: {who or 'NOTHING RUNS IT'}")
            missing += who is None
    if missing:
        print(f"{missing} block(s) that nothing runs: give a runner or a `not run` reason", file=sys.stderr)
    return 1 if missing else 0


def run_bash() -> int:
    failed = 0
    env = dict(os.environ, LEARNLOOP=str(ROOT))
    for readme in READMES:
        for line, language, code, reason in blocks(readme):
            if language != "bash" or reason:
                continue
            with tempfile.TemporaryDirectory(prefix="readme-block-") as scratch:
                result = subprocess.run(
                    ["bash", "-euo", "pipefail", "-c", code], cwd=scratch, env=env,
                    capture_output=True, text=True,
                )
            last = (result.stdout.strip().splitlines() or [""])[-1][:120]
            status = f"ok: {last}" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
            print(f"{readme}:{line} bash: {status}")
            if result.returncode != 0:
                failed += 1
                print(result.stdout[-2000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    sys.exit({"check": check, "run-bash": run_bash}[command]())
