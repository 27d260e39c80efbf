"""``kling emulator ...`` and the ``kling-emulator`` script: run the local emulator, if installed, in a child process.

The ``kling`` package never imports kling_emulator (an import-linter contract checks it): the emulator
and its server dependencies are an optional extra, and a plain client install works without them. Without them,
both commands say what to install in one line (exit 2) instead of a ModuleNotFoundError's traceback.
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from ._app import cli
from ._errors import CliError, Interrupted
from ._exit_codes import INTERRUPTED, USAGE

#: What ``python -m kling_emulator`` needs: the package and its server dependencies.
EMULATOR_MODULES = ("kling_emulator", "starlette", "uvicorn")
INSTALL_HINT = "the emulator is not installed: pip install 'kling-client[emulator]'"
#: The ``kling-emulator`` console script's name, as its messages show it.
SCRIPT_NAME = "kling-emulator"
#: The child's program: kling_emulator's own main, told the name the user typed for its usage and error lines
#: (``python -c CODE PROG ARGS...``).
_CHILD_CODE = "import sys; from kling_emulator.__main__ import main; sys.exit(main(sys.argv[2:], prog=sys.argv[1]))"


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
    try:
        code = _run_emulator("kling emulator", args)
    except KeyboardInterrupt:
        raise Interrupted("emulator stopped") from None
    sys.exit(code)


def standalone() -> None:
    """The ``kling-emulator`` console script: the emulator with its own options (``kling-emulator --help``), or one
    line saying what to install when the [emulator] extra is missing (exit 2)."""
    if not emulator_installed():
        print(f"{SCRIPT_NAME}: {INSTALL_HINT}", file=sys.stderr)
        sys.exit(USAGE)
    try:
        code = _run_emulator(SCRIPT_NAME, tuple(sys.argv[1:]))
    except KeyboardInterrupt:
        code = INTERRUPTED
    sys.exit(code)


def _run_emulator(prog: str, args: tuple[str, ...]) -> int:
    """The emulator in a child process of this interpreter (so it comes from this environment), its usage and
    errors naming ``prog``; its exit code (a child killed by signal N gives 128 + N, as shells say)."""
    process = subprocess.Popen([sys.executable, "-c", _CHILD_CODE, prog, *args])  # noqa: S603 - fixed argv head
    with _forwarding_signals(process):
        try:
            code = process.wait()
        except KeyboardInterrupt:
            # The child got the same Ctrl-C (same process group); let it shut down cleanly.
            process.wait()
            raise
    return code if code >= 0 else 128 - code


@contextmanager
def _forwarding_signals(process: subprocess.Popen[bytes]) -> Iterator[None]:
    """Pass SIGTERM/SIGHUP on to the emulator: stopping ``kling emulator`` must not orphan the server."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def forward(signum: int, frame: FrameType | None) -> None:
        process.send_signal(signum)

    names = ("SIGTERM", "SIGHUP")  # SIGHUP does not exist on Windows
    forwarded = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, forward) for signum in forwarded}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
