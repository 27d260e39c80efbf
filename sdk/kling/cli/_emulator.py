"""``kling emulator ...``: run the local emulator, if installed, in a child process.

The ``kling`` package never imports kling_emulator (an import-linter contract checks it): the emulator
and its server dependencies are an optional extra, and a plain client install works without them.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import click

from ._app import cli
from ._errors import CliError, Interrupted
from ._exit_codes import USAGE

#: What ``python -m kling_emulator`` needs: the package and its server dependencies.
EMULATOR_MODULES = ("kling_emulator", "starlette")
INSTALL_HINT = "the emulator is not installed: pip install 'kling-client[emulator]'"


def emulator_installed() -> bool:
    # find_spec on top-level names finds without importing.
    return all(importlib.util.find_spec(name) is not None for name in EMULATOR_MODULES)


@cli.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
    short_help="Run the local emulator (kling emulator --help for its options).",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def emulator(args: tuple[str, ...]) -> None:
    """Run the local emulator of the API (python -m kling_emulator); every option goes to it."""
    if not emulator_installed():
        raise CliError(INSTALL_HINT, exit_code=USAGE)
    # The same interpreter, so the emulator comes from this environment.
    process = subprocess.Popen([sys.executable, "-m", "kling_emulator", *args])  # noqa: S603 - fixed argv head
    try:
        code = process.wait()
    except KeyboardInterrupt:
        # The child got the same Ctrl-C; let it shut down cleanly.
        process.wait()
        raise Interrupted("emulator stopped") from None
    sys.exit(code)
