"""The ``kling`` command: generate images with the Kling AI API (or a local emulator) from a shell.

    kling images generate "a red fox in the snow" --n 2 --out ./foxes
    kling --base-url http://127.0.0.1:8765 images list --json
    kling auth token

``kling --help`` lists the commands, the environment variables and the exit codes; it imports click and the
root group only, not the SDK, rich or the spec.
"""

from __future__ import annotations

# The subcommands' modules (_auth, _emulator, _images) are imported when their command is looked up: see
# LAZY_COMMANDS in _app, where a new subcommand module is listed.
from ._app import cli
from ._exit_codes import API_ERROR, BUDGET, INTERRUPTED, INVALID_TOKEN, OK, TASK_FAILED, TIMEOUT, USAGE


def main() -> None:
    """The ``kling`` console script."""
    cli(prog_name="kling")


__all__ = [
    "API_ERROR",
    "BUDGET",
    "INTERRUPTED",
    "INVALID_TOKEN",
    "OK",
    "TASK_FAILED",
    "TIMEOUT",
    "USAGE",
    "cli",
    "main",
]
