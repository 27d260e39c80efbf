"""What a newcomer reads on a first run says what is happening: the demo's images without keys are the emulator's
placeholders (and what keys change), and a skipped doc test says why it skipped and that nothing is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import test_doc_coverage

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_without_keys_says_its_images_are_placeholders_and_what_keys_change(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(ROOT / "scripts" / "demo.py"), "--n", "1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    first, *_, last = result.stdout.strip().splitlines()
    assert "placeholders that show the prompt" in first
    # After the saved paths, where the reader's eyes are: what these files are, and how to get real ones.
    assert "placeholder" in last
    assert "KLING_API_KEY" in last
    assert "real images" in last
    assert "costs credits" in last


def test_the_shared_docs_skip_says_where_it_looked_and_that_nothing_is_wrong() -> None:
    reason = test_doc_coverage._NO_SHARED
    shared = test_doc_coverage.SHARED_DOCS.relative_to(ROOT.parent).as_posix()
    vendored = test_doc_coverage.DOCS.relative_to(ROOT).as_posix()

    assert f"../{shared}" in reason
    assert vendored in reason
    assert reason.startswith("nothing to fix")
