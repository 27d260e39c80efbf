"""Cold start (issue 13, section 4): what ``import kling`` and ``kling --help`` load, never how long they take
(``make bench`` times them against ``import httpx``).

Each public name of kling, kling_auth and kling_spec is imported on first use (PEP 562), and each ``kling``
subcommand's module when the command is looked up; these tests check, in a fresh interpreter, that the heavy
modules stay out, and that the lazy tables say the same as the modules they stand for.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import click
import kling
import kling.cli
import kling_auth
import kling_spec
import pytest
from kling.cli import cli
from kling.cli._app import LAZY_COMMANDS

#: Loaded by neither ``import kling`` nor ``kling --help`` (a name covers its submodules): the generated models,
#: the spec and its validator, rich, and what the SDK's client, batches and callbacks bring.
HEAVY = ("kling_api.models", "jsonschema", "kling_spec", "rich", "kling._client", "kling._batch", "kling._callbacks")
#: ``kling --help`` needs click and the root group only: no subcommand's module, no output (rich), no configuration.
HELP_ALSO_WITHOUT = ("kling.cli._images", "kling.cli._auth", "kling.cli._emulator", "kling.cli._output", "httpx")
IMPORT_KLING = "import kling"
KLING_HELP = """
import sys
from kling.cli import main
sys.argv = ["kling", "--help"]
try:
    main()
except SystemExit as done:
    assert done.code in (0, None), done.code
"""


def loaded_by(code: str, tmp_path: Path) -> list[str]:
    """The modules a fresh interpreter holds after running ``code`` (the last line it prints)."""
    probe = code + "\nimport json, sys\nprint()\nprint(json.dumps(sorted(sys.modules)))\n"
    env = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    modules: list[str] = json.loads(done.stdout.splitlines()[-1])
    return modules


def holding(modules: list[str], name: str) -> list[str]:
    return [module for module in modules if module == name or module.startswith(f"{name}.")]


@pytest.fixture(scope="module")
def after_import(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return loaded_by(IMPORT_KLING, tmp_path_factory.mktemp("import"))


@pytest.fixture(scope="module")
def after_help(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return loaded_by(KLING_HELP, tmp_path_factory.mktemp("help"))


@pytest.mark.parametrize("name", [*HEAVY, "httpx", "importlib.metadata"])
def test_import_kling_loads_none_of(name: str, after_import: list[str]) -> None:
    assert holding(after_import, name) == []


@pytest.mark.parametrize("name", [*HEAVY, *HELP_ALSO_WITHOUT])
def test_kling_help_loads_none_of(name: str, after_help: list[str]) -> None:
    assert holding(after_help, name) == []


def test_the_probes_see_what_they_load(tmp_path: Path) -> None:
    """Without this, a probe that lost its modules would make the tests above pass vacuously."""
    modules = loaded_by("from kling import Kling\nimport kling.cli._images", tmp_path)

    for name in ("kling._client", "kling_api.models", "kling.cli._images"):
        assert holding(modules, name), name


# --- the help lists every command, as the commands themselves would ----------------------------------------------


def test_the_lazy_help_is_the_help_of_the_loaded_commands(tmp_path: Path) -> None:
    """``kling --help`` before any subcommand is imported, against click's own listing once all are."""
    code = textwrap.dedent(
        """
        import importlib, json, sys
        import click
        from click.testing import CliRunner
        from kling.cli import cli
        from kling.cli._app import LAZY_COMMANDS, KlingGroup

        def page(width):
            return CliRunner().invoke(cli, ["--help"], terminal_width=width, catch_exceptions=False).stdout

        widths = (50, 72, 80, 120)
        lazy = [page(width) for width in widths]
        imported = sorted(m for m in sys.modules if m.startswith("kling.cli._") and m.split(".")[-1] in
                          {module.split(".")[-1] for module, _ in LAZY_COMMANDS.values()})
        for module, _ in LAZY_COMMANDS.values():
            importlib.import_module(module)
        KlingGroup.format_commands = click.Group.format_commands
        print(json.dumps({"imported": imported, "lazy": lazy, "loaded": [page(width) for width in widths]}))
        """
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    pages = json.loads(done.stdout)

    assert pages["imported"] == []
    assert pages["lazy"] == pages["loaded"]
    for name in ("auth", "emulator", "images"):
        assert f"\n  {name} " in pages["lazy"][2]


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_each_stand_in_is_listed_as_its_command(name: str) -> None:
    module, stand_in = LAZY_COMMANDS[name]
    importlib.import_module(module)
    command = cli.commands[name]

    for limit in (10, 30, 45, 60, 200):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), limit
    assert stand_in.hidden == command.hidden


def test_every_subcommand_is_in_the_lazy_table() -> None:
    """A module that adds a command to ``cli`` but is missing from LAZY_COMMANDS would never be imported."""
    for info in pkgutil.iter_modules(kling.cli.__path__, prefix="kling.cli."):
        importlib.import_module(info.name)

    assert sorted(cli.commands) == sorted(LAZY_COMMANDS)
    assert cli.list_commands(click.Context(cli)) == sorted(LAZY_COMMANDS)


def test_an_unknown_subcommand_is_still_a_usage_error() -> None:
    assert cli.get_command(click.Context(cli), "no-such-command") is None


# --- the lazy tables of the packages -------------------------------------------------------------------------------


def type_checking_imports(package: ModuleType) -> dict[str, str]:
    """Name -> relative module of each ``from .x import name`` under ``if TYPE_CHECKING:`` in the package's
    __init__ (what mypy and IDEs see)."""
    assert package.__file__ is not None
    tree = ast.parse(Path(package.__file__).read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.level == 1:
                    names.update({alias.name: f".{statement.module}" for alias in statement.names})
    return names


@pytest.mark.parametrize("package", [kling, kling_auth, kling_spec], ids=lambda package: package.__name__)
def test_the_lazy_table_the_static_imports_and_all_agree(package: ModuleType) -> None:
    table: dict[str, str] = vars(package)["_LAZY"]

    assert sorted(table) == sorted(package.__all__)
    assert type_checking_imports(package) == table
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("package", [kling, kling_auth, kling_spec], ids=lambda package: package.__name__)
def test_each_lazy_name_is_its_modules_object_and_is_kept(package: ModuleType) -> None:
    for name, module in vars(package)["_LAZY"].items():
        value = getattr(package, name)
        assert value is getattr(importlib.import_module(module, package.__name__), name), name
        assert vars(package)[name] is value, name  # kept: the next lookup is a plain attribute


@pytest.mark.parametrize("package", [kling, kling_auth, kling_spec], ids=lambda package: package.__name__)
def test_an_unknown_name_is_an_attribute_error(package: ModuleType) -> None:
    with pytest.raises(AttributeError, match=rf"^module '{package.__name__}' has no attribute 'no_such_name'$"):
        package.no_such_name  # noqa: B018 - the lookup is the test

    with pytest.raises(ImportError):
        exec(f"from {package.__name__} import no_such_name")  # noqa: S102 - fixed code


def test_star_import_gives_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from kling import *", namespace)  # noqa: S102 - fixed code

    assert {name for name in namespace if not name.startswith("__")} == set(kling.__all__)


def test_the_version_is_still_read_on_first_use() -> None:
    assert "__version__" in dir(kling)
    assert isinstance(kling.__version__, str)
    assert vars(kling)["__version__"] == kling.__version__
