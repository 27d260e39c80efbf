"""The documentation site (docs/, built by `make docs`) says what the code does: its Python examples type-check
under the project's own `mypy --strict` settings, its error table says what the spec's error data says, and the
API reference names every public name of `kling`.

A self-contained example is every ```python block of a page (also one indented in a tab or an admonition); a
block that continues an earlier one of the same page (it uses names defined there) starts with a ``# continued``
comment line and is checked joined to the block before it, as in the README (test_readme.py).
The build itself (`mkdocs build --strict`: every link, anchor and reference resolves) is `make docs`, which
`make test` runs first.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import kling
import pytest
from kling._errors import _FAMILY_CLASSES

from .test_errors import TABLE, codes_of, codes_written, family_retryable

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>[a-z]*)\n(?P<code>.*?)^(?P=indent)```", re.DOTALL | re.MULTILINE)
#: A code line longer than this scrolls sideways in the site's content column (1280 px wide window).
MAX_CODE_LINE = 90

pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason="docs/ is not beside these tests in this copy")


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def code_blocks(page: Path) -> list[tuple[str, str]]:
    """Each fenced block of ``page``: its language and its code, dedented."""
    text = page.read_text(encoding="utf-8")
    return [(match["lang"], textwrap.dedent(match["code"])) for match in BLOCK.finditer(text)]


def docs_examples() -> dict[str, str]:
    """Every Python example of the site, by a name that says where it is (``guides/errors.md #1``)."""
    examples: dict[str, str] = {}
    for page in pages():
        last = None
        number = 0
        for language, code in code_blocks(page):
            if language != "python":
                continue
            if code.startswith("# continued") and last is not None:
                examples[last] += "\n" + code
                continue
            number += 1
            last = f"{page.relative_to(DOCS)} #{number}"
            examples[last] = code
    return examples


def test_the_site_has_python_examples() -> None:
    assert len(docs_examples()) >= 20


WRONG_EXAMPLE = "from kling import Kling\n\nclient: int = Kling\n"


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """One mypy run, with the project's configuration (strict, its mypy_path), over every example of the site and
    one plainly ill-typed file: the harness itself must be able to fail. Gives the report and each file's page."""
    folder = tmp_path_factory.mktemp("docs")
    where: dict[str, str] = {}
    for number, (name, code) in enumerate(docs_examples().items(), start=1):
        path = folder / f"docs_example_{number}.py"
        path.write_text(code, encoding="utf-8")
        where[path.name] = name
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
            *(str(folder / name) for name in where),
            str(folder / "wrong.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr, where


def test_every_python_example_of_the_site_passes_mypy_strict(mypy_report: tuple[str, dict[str, str]]) -> None:
    report, where = mypy_report
    errors = []
    for line in report.splitlines():
        file = re.search(r"(docs_example_\d+\.py)", line)
        if file:
            errors.append(f"docs/{where[file.group(1)]}: {line.split(file.group(1), 1)[1].lstrip(':')}")
    assert not errors, "examples of the documentation site fail mypy --strict:\n" + "\n".join(errors)


def test_the_check_catches_a_wrong_example(mypy_report: tuple[str, dict[str, str]]) -> None:
    assert "wrong.py:3: error: Incompatible types" in mypy_report[0], mypy_report[0]


def test_code_lines_fit_the_content_column() -> None:
    long = [
        f"docs/{page.relative_to(DOCS)}: {len(line)} characters: {line.strip()[:60]}..."
        for page in pages()
        for _, code in code_blocks(page)
        for line in code.splitlines()
        if len(line) > MAX_CODE_LINE
    ]
    assert not long, f"code lines over {MAX_CODE_LINE} characters scroll sideways on the site:\n" + "\n".join(long)


# -- the error table (docs/guides/errors.md) against the spec's error data ------------------------------------------

ERRORS_PAGE = DOCS / "guides" / "errors.md"


@pytest.mark.parametrize("cls", list(_FAMILY_CLASSES.values()), ids=lambda cls: cls.__name__)
def test_the_error_table_writes_out_what_the_spec_data_gives_each_class(cls: type[kling.APIError]) -> None:
    codes = codes_of(cls)
    assert codes
    lines = ERRORS_PAGE.read_text(encoding="utf-8").splitlines()
    [row] = [line for line in lines if line.startswith(f"| `{cls.__name__}` |")]
    _, _, statuses, written, retried, _ = (cell.strip() for cell in row.split("|"))
    assert codes_written(written) == codes, row
    documented = {TABLE[code].status for code in codes}
    if all(status >= 500 for status in documented):
        assert statuses == "5xx", row
    else:
        assert {int(status) for status in re.findall(r"\b\d{3}\b", statuses)} == documented, row
    assert retried.startswith("yes") is family_retryable(cls), row


# -- the API reference ------------------------------------------------------------------------------------------------


def test_the_api_reference_names_every_public_name_of_kling() -> None:
    # docs/reference/kling.md lists kling's names one by one, grouped (kling_auth and kling_testing are rendered
    # whole): a name added to kling.__all__ needs its line there, or it is missing from the site.
    page = (DOCS / "reference" / "kling.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^::: kling\.(\w+)\s*$", page, re.MULTILINE))
    missing = sorted(set(kling.__all__) - listed)
    assert not missing, f"add a '::: kling.NAME' line to docs/reference/kling.md for each of {missing}"
