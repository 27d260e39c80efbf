"""The README's Python examples type-check under the project's own `mypy --strict` settings. (The reference
material, its error table included, is the documentation site's: test_docs.py checks docs/ the same way.)

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
    assert len(readme_examples()) >= 2


WRONG_EXAMPLE = "from kling import Kling\n\nclient: int = Kling\n"


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One mypy run, with the project's configuration (strict, its mypy_path), over every README example and
    one plainly ill-typed file: the harness itself must be able to fail."""
    folder = tmp_path_factory.mktemp("readme")
    files = []
    for number, code in enumerate(readme_examples(), start=1):
        path = folder / f"readme_example_{number}.py"
        path.write_text(code, encoding="utf-8")
        files.append(str(path))
    (folder / "wrong.py").write_text(WRONG_EXAMPLE, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own files
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-incremental",
            "--no-error-summary",
            *files,
            str(folder / "wrong.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def test_every_readme_example_passes_mypy_strict(mypy_report: str) -> None:
    errors = [line for line in mypy_report.splitlines() if "readme_example_" in line]
    assert not errors, "README examples fail mypy --strict:\n" + "\n".join(errors)


def test_the_check_catches_a_wrong_example(mypy_report: str) -> None:
    assert "wrong.py:3: error: Incompatible types" in mypy_report, mypy_report


@pytest.mark.parametrize("code", readme_examples()[:1])
def test_the_first_example_is_the_sdk(code: str) -> None:
    # The README leads with the SDK, not with the generated client.
    assert "from kling import" in code
