"""A plain client install works without the emulator's dependencies (starlette, uvicorn).

The import-linter contracts (.importlinter, run by ``make lint``) check the import graph; this
checks the running interpreter: the client packages import in a fresh process where starlette
and uvicorn cannot be imported at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

EMULATOR_ONLY = ("starlette", "uvicorn")
CLIENT_PACKAGES = ("kling", "kling_api", "kling_auth", "kling_spec")

# Installed first thing in the child process: any import of a blocked package fails as if it
# were not installed, and is recorded so the parent can name the culprit.
BLOCKER = textwrap.dedent(
    f"""
    import sys

    BLOCKED = {EMULATOR_ONLY!r}
    attempts = []

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                attempts.append(name)
                raise ModuleNotFoundError(f"No module named {{name!r}} (blocked by the test)", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    for name in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
        del sys.modules[name]
    """
)


def run_blocked(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    env.pop("PYTHONPATH", None)
    return subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", BLOCKER + textwrap.dedent(code)],
        cwd=tmp_path,  # not the checkout: only what the install puts on sys.path is importable
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_blocker_does_block_the_emulator(tmp_path: Path) -> None:
    """Without this, a blocker that blocks nothing would make the next test pass vacuously."""
    result = run_blocked("import kling_emulator", tmp_path)

    assert result.returncode != 0
    assert "blocked by the test" in result.stderr


def test_the_client_packages_import_without_the_emulator_dependencies(tmp_path: Path) -> None:
    probe = run_blocked("import kling", tmp_path)
    if probe.returncode != 0 and "blocked by the test" not in probe.stderr:
        pytest.skip(f"the kling SDK does not import yet: {probe.stderr.strip().splitlines()[-1:]}")

    result = run_blocked(
        f"""
        import {", ".join(CLIENT_PACKAGES)}
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
        assert not attempts and not loaded, (attempts, loaded)
        print("ok")
        """,
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_cli_imports_without_the_emulator_dependencies(tmp_path: Path) -> None:
    """``kling`` the command ships with the client; only ``kling emulator`` may need the extra."""
    probe = subprocess.run(
        [sys.executable, "-c", "import kling.cli"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip(f"kling.cli does not import yet: {probe.stderr.strip().splitlines()[-1:]}")

    # The subcommands load on demand: import them too, as running them would.
    code = "import kling.cli, kling.cli._auth, kling.cli._emulator, kling.cli._images; assert not attempts, attempts"
    result = run_blocked(code, tmp_path)

    assert result.returncode == 0, result.stderr
