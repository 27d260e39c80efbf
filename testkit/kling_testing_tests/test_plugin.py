"""The plugin as pytest loads it: through the entry point, cheap to import, fresh state per test, clear failures.

Sessions of their own run in process (pytester), in a folder without any conftest; the user's example runs in a
subprocess, the way a user runs it.
"""

from __future__ import annotations

import base64
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
#: The inner sessions' secrets in the repr test: the session guard looks for them in every log and file too.
INNER_SECRET_KEY = "inner-session-secret-key-0123456789"
INNER_API_KEY = "inner-session-api-key-0123456789"
INNER_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"inner-session-webhook-secret-32b").decode()
#: What importing the plugin must not import: pytest loads it in every run, used or not ("http": the callback
#: receiver's http.server, imported by its fixture only).
HEAVY_MODULES = ("kling_emulator", "starlette", "uvicorn", "pytest_asyncio", "kling", "kling_api", "httpx", "http")
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

        SESSION_API_KEYS = []

        def test_leaves_a_mess(kling_emulator, kling_client):
            SESSION_API_KEYS.append(kling_emulator.api_key)
            kling_emulator.set_timeline(processing_after=60, succeed_after=120)
            for _ in range(5):
                kling_client.images.create("a fox", n=4)  # every slot taken until the tasks end
            kling_emulator.set_slots(1)
            kling_emulator.inject_next(5, error=5000)
            kling_emulator.moderate_next(5)
            kling_emulator.set_fault_rates(error_rate=1.0, drop_rate=1.0)
            kling_emulator.set_api_key("a-key-of-the-first-test-only")
            kling_emulator.sign_callbacks()

        def test_sees_none_of_it(kling_emulator):
            assert kling_emulator.task_count == 0
            assert kling_emulator.webhook_secret is None  # unsigned again
            assert kling_emulator.api_key == SESSION_API_KEYS[0]  # the session's key again
            with Kling(kling_emulator.access_key, kling_emulator.secret_key,
                       base_url=kling_emulator.base_url, max_retries=0) as client:
                created = client.images.create("a fox", n=2)  # no fault, a free quota of more than one slot
                assert client.images.get(created.task_id).task_status.value == "succeed"  # ends at once
            with Kling(api_key=kling_emulator.api_key, base_url=kling_emulator.base_url, max_retries=0) as client:
                client.images.list()
            with Kling(api_key="a-key-of-the-first-test-only", base_url=kling_emulator.base_url,
                       max_retries=0) as client:
                try:
                    client.images.list()
                except Exception as error:
                    assert type(error).__name__ == "AuthenticationError"
                else:
                    raise AssertionError("the first test's API key still works")
        """
    )
    run(pytester).assert_outcomes(passed=2)


#: What a developer's environment may hold: none of it may reach a test's emulator.
ENVIRONMENT_API_KEY = "a-developers-real-api-key-0123456789"
ENVIRONMENT_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"a-developers-real-webhook-secret").decode()


def test_the_developers_environment_does_not_configure_the_emulator(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLING_API_KEY", ENVIRONMENT_API_KEY)
    monkeypatch.setenv("KLING_WEBHOOK_SECRET", ENVIRONMENT_WEBHOOK_SECRET)
    monkeypatch.setenv("KLING_ACCESS_KEY", "a-developers-access-key")
    monkeypatch.setenv("KLING_SECRET_KEY", "a-developers-secret-key-0123456789")
    pytester.makepyfile(
        """
        import os

        import pytest
        from kling import AuthenticationError, Kling

        def test_only_the_sessions_credentials(kling_emulator, kling_api_key_client):
            assert kling_emulator.webhook_secret is None  # callbacks unsigned, whatever the environment says
            assert kling_emulator.api_key != os.environ["KLING_API_KEY"]
            kling_api_key_client.images.list()
            with Kling(api_key=os.environ["KLING_API_KEY"], base_url=kling_emulator.base_url, max_retries=0) as c:
                with pytest.raises(AuthenticationError):
                    c.images.list()
            with Kling(base_url=kling_emulator.base_url, max_retries=0) as c:  # the environment's pair
                with pytest.raises(AuthenticationError):
                    c.images.list()
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_the_clients_are_closed_after_each_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        KEPT = []

        def test_keeps_the_client(kling_client, kling_api_key_client):
            KEPT.extend([kling_client, kling_api_key_client])

        @pytest.mark.asyncio
        async def test_keeps_the_async_client(async_kling_client, async_kling_api_key_client):
            KEPT.extend([async_kling_client, async_kling_api_key_client])

        def test_the_clients_are_closed():
            for client in KEPT[:2]:
                with pytest.raises(RuntimeError, match="closed"):
                    client.images.list()

        @pytest.mark.asyncio
        async def test_the_async_clients_are_closed():
            for client in KEPT[2:]:
                with pytest.raises(RuntimeError, match="closed"):
                    await client.images.list()
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_without_pytest_asyncio_the_async_fixture_says_what_to_install(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_async_client(async_kling_client):
            pass

        def test_async_api_key_client(async_kling_api_key_client):
            pass

        def test_the_sync_fixtures_still_work(kling_client, kling_api_key_client):
            kling_client.images.list()
            kling_api_key_client.images.list()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")  # not run(): it sets an asyncio option
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(["*async_kling_client fixture needs pytest-asyncio*pip install pytest-asyncio*"])
    result.stdout.fnmatch_lines(["*async_kling_api_key_client fixture needs pytest-asyncio*"])


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

        def test_api_key_client(kling_api_key_client):
            pass

        def test_unrelated():
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=3)
    # One explanation per failing fixture, counted in the error sections: the short summary repeats
    # them, cut to the terminal's width, so it shows them whole or not depending on where this runs.
    reasons = [line for line in result.outlines if line.startswith("the kling_emulator fixture needs")]
    assert len(reasons) == 3, result.stdout.str()
    assert all(line.endswith("pip install 'kling-client[emulator]'") for line in reasons), reasons


def test_a_failing_test_shows_no_secret(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kling_testing.plugin, "_new_secret_key", lambda: INNER_SECRET_KEY)
    monkeypatch.setattr(kling_testing.plugin, "_new_api_key", lambda: INNER_API_KEY)
    # Signed in a fixture of the inner session's conftest, with the secret from the environment: neither in the
    # failing test's source (which --tb=long shows) nor in a file (which the session's guard reads).
    monkeypatch.setenv("INNER_WEBHOOK", INNER_WEBHOOK_SECRET)
    pytester.makeconftest(
        """
        import os

        import pytest

        @pytest.fixture(autouse=True)
        def _signed(kling_emulator):
            kling_emulator.sign_callbacks(os.environ["INNER_WEBHOOK"])
        """
    )
    pytester.makepyfile(
        """
        def test_fails(kling_emulator, kling_client, kling_api_key_client, kling_callback_receiver):
            emulator = kling_emulator
            receiver = kling_callback_receiver
            assert emulator is None, (
                f"{emulator!r} {kling_client!r} {kling_api_key_client!r} {receiver!r} "
                f"{kling_emulator.__dict__.keys()} {emulator.emulator.config!r}"
            )
        """
    )
    result = run(pytester, "--showlocals", "--tb=long", "-vv")
    result.assert_outcomes(failed=1)
    output = "\n".join(result.outlines + result.errlines)
    assert "KlingEmulator(base_url='http://127.0.0.1:" in output  # the fixture's repr is in the report
    assert "signed_callbacks=True" in output  # the config's repr is in the report too
    for hidden in (INNER_SECRET_KEY, INNER_API_KEY, INNER_WEBHOOK_SECRET.removeprefix("whsec_")):
        assert hidden not in output


def test_the_fixtures_are_documented(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--fixtures")
    output = textwrap.dedent("\n".join(result.outlines))
    for name in (
        "kling_emulator",
        "kling_client",
        "async_kling_client",
        "kling_api_key_client",
        "async_kling_api_key_client",
        "kling_callback_receiver",
    ):
        assert re.search(rf"^{name} -- .*kling_testing", output, re.MULTILINE), name
