"""The README's Python examples type-check under the project's own `mypy --strict` settings.

A self-contained example is every ```python block of README.md; a block that continues an earlier one (it
uses names defined there) starts with a ``# continued`` comment line and is checked joined to the block
before it. A README example that no longer type-checks is a broken promise to every reader who copies it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_examples() -> list[str]:
    examples: list[str] = []
    for match in BLOCK.finditer(README.read_text(encoding="utf-8")):
        code = match.group(1)
        if code.startswith("# continued") and examples:
            examples[-1] += "\n" + code
        else:
            examples.append(code)
    return examples


def test_the_readme_has_python_examples() -> None:
    assert len(readme_examples()) >= 5


def test_every_readme_example_passes_mypy_strict(tmp_path: Path) -> None:
    files = []
    for number, code in enumerate(readme_examples(), start=1):
        path = tmp_path / f"readme_example_{number}.py"
        path.write_text(code, encoding="utf-8")
        files.append(str(path))
    # One mypy run for all of them, with the project's configuration (strict, its mypy_path).
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own files
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"README examples fail mypy --strict:\n{result.stdout}{result.stderr}"


def test_the_check_catches_a_wrong_example(tmp_path: Path) -> None:
    # The harness itself must be able to fail: a plainly ill-typed example is reported.
    path = tmp_path / "wrong.py"
    path.write_text("from kling import Kling\n\nclient: int = Kling\n", encoding="utf-8")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Incompatible types" in result.stdout


@pytest.mark.parametrize("code", readme_examples()[:1])
def test_the_first_example_is_the_sdk(code: str) -> None:
    # The README leads with the SDK, not with the generated client.
    assert "from kling import" in code
