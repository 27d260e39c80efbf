"""The package as a user installs it: the wheel built from this checkout, in a fresh venv outside the checkout.

Two stages in one venv (made once for this module, ``python -m venv`` in a temporary folder; dependencies come
from the package index, as they would for a user):

1. ``pip install <wheel> pytest``, the plain install: every package ships its ``py.typed``; ``kling.__version__``
   is the wheel's; ``kling-emulator`` and ``kling emulator`` say what to install in one line (exit 2), no
   traceback; the pytest plugin is loaded (its entry point is the base install's) and its fixtures say what to
   install.
2. ``pip install <wheel>[emulator] mypy``: ``mypy --strict`` run there, outside the checkout, on the README's
   Python examples and on ``reveal_type(Kling().images.get("x"))``, which must be ``ImageTask``, not ``Any`` (a
   package without its ``py.typed`` is ``Any`` to every user's type checker).

The wheel's metadata (what a package index shows) is checked without installing anything.
"""

from __future__ import annotations

import email
import email.message
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from testsupport.readme import readme_examples

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kling", "kling_api", "kling_auth", "kling_spec", "kling_emulator", "kling_testing")
INSTALL_HINT = "the emulator is not installed: pip install 'kling-client[emulator]'"
#: Each stage's pip install must finish within this (seconds); a cold cache downloads a few MB.
PIP_TIMEOUT = 300


def _run(args: list[str | Path], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """A command as a user would run it: not in the checkout, with none of the checkout's paths or keys."""
    drop = ("PYTHONPATH", "MYPYPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    env = {name: value for name, value in os.environ.items() if not name.startswith("KLING_") and name not in drop}
    return subprocess.run(  # noqa: S603 - our own tools, fixed arguments
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("wheel")
    _ok(_run([sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "--wheel-dir", out, "-q"], out, PIP_TIMEOUT))
    [built] = out.glob("kling_client-*.whl")
    yield built
    shutil.rmtree(out, ignore_errors=True)


@dataclass(frozen=True)
class Venv:
    folder: Path
    work: Path  # the folder commands run in: outside the checkout, empty but for what a test writes

    @property
    def python(self) -> Path:
        return self.folder / "bin" / "python"

    def script(self, name: str) -> Path:
        return self.folder / "bin" / name

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return _run(list(args), self.work, timeout)


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venv]:
    """The venv with the plain install (stage 1). Removed after this module: besides its size, it holds what the
    session's secret guard looks for in the files tests leave behind, and rightly so, but not written by a test:
    the installed copy of kling_auth with the emulator's public demo keys, PyJWT's documentation with its
    example token."""
    folder = tmp_path_factory.mktemp("venv")
    assert ROOT not in folder.parents, "the venv must be outside the checkout"
    work = tmp_path_factory.mktemp("work")
    try:
        _ok(_run([sys.executable, "-m", "venv", folder], work))
        created = Venv(folder, work)
        _ok(created.run(created.python, "-m", "pip", "install", "-q", wheel, "pytest", timeout=PIP_TIMEOUT))
        yield created
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def venv_with_emulator(venv: Venv, wheel: Path) -> Venv:
    """The same venv once the [emulator] extra and mypy are installed (stage 2; every test of stage 1 runs first,
    being earlier in this file)."""
    mypy = f"mypy=={importlib.metadata.version('mypy')}"
    _ok(venv.run(venv.python, "-m", "pip", "install", "-q", f"{wheel}[emulator]", mypy, timeout=PIP_TIMEOUT))
    return venv


# -- the metadata a package index shows ------------------------------------------------------------------------------


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        return email.message_from_string(archive.read(name).decode("utf-8"))  # core metadata is UTF-8


def test_the_wheel_carries_what_a_package_index_shows(wheel: Path) -> None:
    metadata = _metadata(wheel)

    assert metadata["License-Expression"] == "MIT"
    assert metadata["Author"]
    assert metadata["Keywords"]
    urls = dict(value.split(", ", 1) for value in metadata.get_all("Project-URL", []))
    assert {"Homepage", "Repository", "Issues", "Changelog"} <= set(urls), urls
    assert all(url.startswith("https://") for url in urls.values()), urls
    classifiers = metadata.get_all("Classifier", [])
    assert "Typing :: Typed" in classifiers
    assert f"Programming Language :: Python :: {sys.version_info.major}.{sys.version_info.minor}" in classifiers
    with zipfile.ZipFile(wheel) as archive:
        [license_file] = [name for name in archive.namelist() if name.endswith(".dist-info/licenses/LICENSE")]
        assert archive.read(license_file).startswith(b"MIT License")


def test_the_readme_is_the_long_description_and_renders_away_from_the_repository(wheel: Path) -> None:
    metadata = _metadata(wheel)

    description = str(metadata.get_payload())
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert description.strip() == (ROOT / "README.md").read_text(encoding="utf-8").strip()
    # A package index shows the README on its own: a relative link (to a file of the repository) leads nowhere.
    links = re.findall(r"\]\(([^)\s]+)\)", description)
    assert links
    relative = [link for link in links if not link.startswith(("https://", "http://", "#"))]
    assert not relative, f"relative links in the README break on a package index: {relative}"


# -- stage 1: the plain install ----------------------------------------------------------------------------------------


def test_every_package_ships_its_py_typed_marker(venv: Venv) -> None:
    code = (
        "import importlib.util, pathlib\n"
        f"for name in {PACKAGES!r}:\n"
        "    spec = importlib.util.find_spec(name)\n"
        "    print(name, (pathlib.Path(spec.origin).parent / 'py.typed').is_file())\n"
    )
    result = _ok(venv.run(venv.python, "-c", code))

    assert result.stdout.split("\n")[:-1] == [f"{name} True" for name in PACKAGES], result.stdout


def test_the_version_is_the_wheels(venv: Venv, wheel: Path) -> None:
    result = _ok(venv.run(venv.python, "-c", "import kling; print(kling.__version__)"))

    assert result.stdout.strip() == _metadata(wheel)["Version"]
    assert wheel.name.startswith(f"kling_client-{result.stdout.strip()}-")


@pytest.mark.parametrize("command", [["kling-emulator", "--port", "0"], ["kling", "emulator", "--port", "0"]])
def test_the_emulator_without_its_extra_says_what_to_install(venv: Venv, command: list[str]) -> None:
    result = venv.run(venv.script(command[0]), *command[1:], timeout=60)

    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"{'error' if command[0] == 'kling' else 'kling-emulator'}: {INSTALL_HINT}"]
    assert result.stdout == ""


USER_TEST = """\
from kling import Kling


def test_poster(kling_client: Kling) -> None:
    kling_client.images.generate("a lighthouse at dusk")
"""


def test_the_pytest_plugin_comes_with_the_plain_install_and_its_fixtures_say_what_to_install(venv: Venv) -> None:
    (venv.work / "test_user.py").write_text(USER_TEST, encoding="utf-8")
    try:
        result = venv.run(venv.python, "-m", "pytest", "-p", "no:cacheprovider", "test_user.py")
    finally:
        (venv.work / "test_user.py").unlink()

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "fixture 'kling_client' not found" not in output  # the plugin is loaded: its fixtures exist
    assert "pip install 'kling-client[emulator]'" in output
    assert "Traceback" not in output


# -- stage 2: with the [emulator] extra -------------------------------------------------------------------------------

REVEAL = """\
from kling import AsyncKling, Kling
from kling_emulator import create_app

reveal_type(Kling().images.get("x"))
reveal_type(AsyncKling().images.generate)
reveal_type(create_app)
"""
WRONG = 'from kling import Kling\n\nclient: int = Kling()\nKling().images.generate("a fox", aspect_ration="16:9")\n'


@pytest.fixture(scope="module")
def installed_mypy_report(venv_with_emulator: Venv) -> str:
    """``mypy --strict`` in the fresh venv, from a folder outside the checkout, with no configuration but the flag."""
    venv = venv_with_emulator
    folder = venv.work / "mypy"
    folder.mkdir()
    files = []
    for number, code in enumerate(readme_examples(), start=1):
        (folder / f"readme_example_{number}.py").write_text(code, encoding="utf-8")
        files.append(f"mypy/readme_example_{number}.py")
    (folder / "reveal.py").write_text(REVEAL, encoding="utf-8")
    (folder / "wrong.py").write_text(WRONG, encoding="utf-8")
    result = venv.run(
        venv.python, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", folder / ".cache",
        *files, "mypy/reveal.py", "mypy/wrong.py", timeout=300,
    )  # fmt: skip
    return result.stdout + result.stderr


def test_the_readme_examples_pass_mypy_strict_against_the_installed_wheel(installed_mypy_report: str) -> None:
    errors = [line for line in installed_mypy_report.splitlines() if "readme_example_" in line]
    assert not errors, "README examples fail mypy --strict against the installed wheel:\n" + "\n".join(errors)


def test_the_installed_packages_are_typed_not_any(installed_mypy_report: str) -> None:
    revealed = [line for line in installed_mypy_report.splitlines() if line.startswith("mypy/reveal.py")]

    assert len(revealed) == 3, installed_mypy_report
    get, generate, create_app = revealed
    assert get.endswith('Revealed type is "kling_api.models.image_task.ImageTask"'), get
    assert "**fields: **TypedDict(kling._types.CreateFields" in generate, generate
    assert "Coroutine" in generate, generate
    assert "def (" in create_app, create_app
    assert "Any" not in get


def test_the_installed_check_can_fail(installed_mypy_report: str) -> None:
    assert "mypy/wrong.py:3: error: Incompatible types in assignment" in installed_mypy_report, installed_mypy_report
    # A typo in a keyword of generate: caught by the typed keywords (kling._types.CreateFields).
    assert 'mypy/wrong.py:4: error: Unexpected keyword argument "aspect_ration"' in installed_mypy_report, (
        installed_mypy_report
    )
