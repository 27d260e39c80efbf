"""The README's main job (`make demo`), run as a new user would: no keys, a fresh output folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def _run_demo(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(ROOT / "scripts" / "demo.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_demo_generates_pngs_with_the_emulator(tmp_path: Path) -> None:
    result = _run_demo("--prompt", "a red fox in snow", "--n", "2", "--aspect-ratio", "1:1", "--out", str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "using the local emulator" in result.stdout
    saved = sorted(tmp_path.glob("*.png"))
    assert len(saved) == 2
    assert str(tmp_path.resolve()) in result.stdout
    for path in saved:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.width == image.height  # 1:1
    assert not list(tmp_path.glob("*.part")), "no half-written files left behind"


def test_demo_refuses_bad_input_naming_the_option(tmp_path: Path) -> None:
    result = _run_demo("--n", "10", "--out", str(tmp_path))

    assert result.returncode == 2
    # Refused by the SDK before any request, naming the field and the rule.
    assert "n" in result.stderr
    assert "9" in result.stderr
    assert not any(tmp_path.iterdir())
