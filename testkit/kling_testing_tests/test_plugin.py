"""The plugin as pytest loads it: through the entry point, cheap to import, fresh state per test, clear failures.

Sessions of their own run in process (pytester), in a folder without any conftest; the user's example runs in a
subprocess, the way a user runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import kling_testing.plugin
import pytest

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "test_my_app.py"
#: The inner sessions' secret key in the repr test: the session guard looks for it in every log and file too.
INNER_SECRET_KEY = "inner-session-secret-key-0123456789"
#: What importing the plugin must not import: pytest loads it in every run, used or not.
HEAVY_MODULES = ("kling_emulator", "starlette", "uvicorn", "pytest_asyncio", "kling", "kling_api", "httpx")
#: Plugins of this project's dev environment that a user's does not have; they only slow pytest's start.
UNRELATED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An in-process session in pytester's empty folder (strict asyncio mode, as a user's default)."""
    return pytester.runpytest("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function", *args)


def test_the_plugin_is_registered_through_the_entry_point(pytestconfig: pytest.Config) -> None:
    [entry] = [entry for entry in entry_points(group="pytest11") if entry.value == "kling_testing.plugin"]
    assert entry.name == "kling"
    assert pytestconfig.pluginmanager.get_plugin("kling") is kling_testing.plugin


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    code = "import json, sys, kling_testing.plugin; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = {name.partition(".")[0] for name in json.loads(result.stdout)}
    assert "kling_testing" in loaded
    assert loaded.isdisjoint(HEAVY_MODULES), sorted(loaded.intersection(HEAVY_MODULES))


def test_the_users_example_passes_in_a_folder_of_its_own(tmp_path: Path) -> None:
    # A user's test file alone: no conftest, no ini, no keys in the environment; it generates and downloads
    # images (sync and async), injects faults and sets the timeline with the plugin's fixtures and nothing else.
    project = tmp_path / "my_app"
    project.mkdir()
    shutil.copy(EXAMPLE, project / "test_my_app.py")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    result = subprocess.run(  # noqa: S603 - the venv's own interpreter on our own example
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *UNRELATED_PLUGINS,
            f"--basetemp={tmp_path / 'basetemp'}",
        ],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    tests = len(re.findall(r"^(?:async )?def test_", EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))
    assert re.search(rf"^{tests} passed in ", result.stdout, re.MULTILINE), output  # none skipped, none failed
    assert sorted(path.name for path in project.iterdir()) == ["test_my_app.py"]


def test_every_test_starts_with_a_fresh_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from kling import Kling

        def test_leaves_a_mess(kling_emulator, kling_client):
            kling_emulator.set_timeline(processing_after=60, succeed_after=120)
            for _ in range(5):
                kling_client.images.create("a fox", n=4)  # every slot taken until the tasks end
            kling_emulator.set_slots(1)
            kling_emulator.inject_next(5, error=5000)
            kling_emulator.moderate_next(5)
            kling_emulator.set_fault_rates(error_rate=1.0, drop_rate=1.0)

        def test_sees_none_of_it(kling_emulator):
            assert kling_emulator.task_count == 0
            with Kling(kling_emulator.access_key, kling_emulator.secret_key,
                       base_url=kling_emulator.base_url, max_retries=0) as client:
                created = client.images.create("a fox", n=2)  # no fault, a free quota of more than one slot
                assert client.images.get(created.task_id).task_status.value == "succeed"  # ends at once
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_the_clients_are_closed_after_each_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        KEPT = []

        def test_keeps_the_client(kling_client):
            KEPT.append(kling_client)

        @pytest.mark.asyncio
        async def test_keeps_the_async_client(async_kling_client):
            KEPT.append(async_kling_client)

        def test_the_client_is_closed():
            with pytest.raises(RuntimeError, match="closed"):
                KEPT[0].images.list()

        @pytest.mark.asyncio
        async def test_the_async_client_is_closed():
            with pytest.raises(RuntimeError, match="closed"):
                await KEPT[1].images.list()
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_without_pytest_asyncio_the_async_fixture_says_what_to_install(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_async_client(async_kling_client):
            pass

        def test_the_sync_fixtures_still_work(kling_client):
            kling_client.images.list()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")  # not run(): it sets an asyncio option
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*async_kling_client fixture needs pytest-asyncio*pip install pytest-asyncio*"])


def test_without_the_emulator_extra_the_fixtures_say_what_to_install(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if kling-client were installed without [emulator]: the emulator cannot be imported.
    monkeypatch.setitem(sys.modules, "kling_emulator", None)
    pytester.makepyfile(
        """
        def test_emulator(kling_emulator):
            pass

        def test_client(kling_client):
            pass

        def test_unrelated():
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=2)
    # One explanation per failing fixture, counted in the error sections: the short summary repeats
    # them, cut to the terminal's width, so it shows them whole or not depending on where this runs.
    reasons = [line for line in result.outlines if line.startswith("the kling_emulator fixture needs")]
    assert len(reasons) == 2, result.stdout.str()
    assert all(line.endswith("pip install 'kling-client[emulator]'") for line in reasons), reasons


def test_a_failing_test_shows_no_secret_key(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kling_testing.plugin, "_new_secret_key", lambda: INNER_SECRET_KEY)
    pytester.makepyfile(
        """
        def test_fails(kling_emulator, kling_client):
            emulator = kling_emulator
            assert emulator is None, f"{emulator!r} {kling_client!r} {kling_emulator.__dict__.keys()}"
        """
    )
    result = run(pytester, "--showlocals", "--tb=long", "-vv")
    result.assert_outcomes(failed=1)
    output = "\n".join(result.outlines + result.errlines)
    assert "KlingEmulator(base_url='http://127.0.0.1:" in output  # the fixture's repr is in the report
    assert INNER_SECRET_KEY not in output


def test_the_fixtures_are_documented(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--fixtures")
    output = textwrap.dedent("\n".join(result.outlines))
    for name in ("kling_emulator", "kling_client", "async_kling_client"):
        assert re.search(rf"^{name} -- .*kling_testing", output, re.MULTILINE), name
