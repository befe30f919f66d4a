"""Every Python block of the package's README and of the project's README
runs as written, each in a fresh namespace and a scratch working directory:
a snippet that stops working fails here."""

import os
import re
from pathlib import Path

import pytest

READMES = [
    Path(__file__).resolve().parents[1] / "README.md",
    Path(__file__).resolve().parents[2] / "README.md",
]
BLOCKS = [
    (readme, block)
    for readme in READMES
    for block in re.findall(r"^```python\n(.*?)^```", readme.read_text(encoding="utf-8"), re.S | re.M)
]


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    readme, block = BLOCKS[index]
    code = compile(block, f"{readme}, python block {index + 1}", "exec")
    exec(code, {"__name__": "__readme__"})
    assert os.getcwd() == str(tmp_path)
