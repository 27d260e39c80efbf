"""Every forked generator template says which upstream template and version it came from, and stays close to it.

When the pinned openapi-python-client changes, these tests fail until each fork is re-diffed against the new
upstream template (``make template-diff``) and its header updated: a fork never silently drifts from the
generator it is used with.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import openapi_python_client
import pytest

FORKS_DIR = Path(__file__).resolve().parents[1] / "openapi" / "templates"
UPSTREAM_DIR = Path(openapi_python_client.__file__).resolve().parent / "templates"
FORKS = sorted(path.relative_to(FORKS_DIR) for path in FORKS_DIR.rglob("*.jinja"))
HEADER = re.compile(r"\A\{# Forked from openapi-python-client (?P<version>\S+) templates/(?P<path>\S+?)\.?\s")
# Lines added or removed against upstream. types.py carries the strict-parsing helpers the other forks call;
# errors.py the ResponseError family, the body excerpt and token redaction (upstream has one 10-line class).
# types.py holds the strict parsing helpers, encode_path_parameter and RequestOptions (per-request options).
DIFF_BUDGET = {"types.py.jinja": 180, "errors.py.jinja": 80}
DEFAULT_DIFF_BUDGET = 60


def test_there_are_forks_to_check() -> None:
    assert len(FORKS) >= 6


@pytest.mark.parametrize("fork", FORKS, ids=str)
def test_a_fork_records_the_upstream_template_and_version_it_came_from(fork: Path) -> None:
    header = HEADER.match((FORKS_DIR / fork).read_text(encoding="utf-8"))
    assert header is not None, f"{fork} must start with '{{# Forked from openapi-python-client <version> templates/...'"
    assert header["path"] == fork.as_posix()
    assert header["version"] == openapi_python_client.__version__, (
        f"{fork} was forked from {header['version']} but {openapi_python_client.__version__} is pinned: "
        "diff it against the new upstream template (make template-diff) and update the header"
    )
    assert (UPSTREAM_DIR / fork).is_file(), f"upstream has no templates/{fork}: the fork would never be used"


@pytest.mark.parametrize("fork", FORKS, ids=str)
def test_a_fork_stays_a_small_diff_from_upstream(fork: Path) -> None:
    ours = (FORKS_DIR / fork).read_text(encoding="utf-8").splitlines()
    theirs = (UPSTREAM_DIR / fork).read_text(encoding="utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(theirs, ours, lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    budget = DIFF_BUDGET.get(fork.as_posix(), DEFAULT_DIFF_BUDGET)
    assert len(changed) <= budget, f"{fork} differs from upstream by {len(changed)} lines (budget {budget})"
