"""The ``kling`` command group: global options, the per-run state, and the one place errors are reported.

``kling --help`` needs this module and click only: each subcommand's module is imported when that command is
looked up (``LAZY_COMMANDS``), and the SDK, the output (rich) and the configuration when a command runs.
"""

from __future__ import annotations

import importlib
import logging
import os
import shlex
import sys
from collections.abc import Callable
from gettext import gettext
from typing import TYPE_CHECKING, Any

import click
from kling_auth import ACCESS_KEY_ENV, API_KEY_ENV, BASE_URL_ENV, SECRET_KEY_ENV

from ._exit_codes import DESCRIPTIONS, USAGE

if TYPE_CHECKING:
    from .. import Kling
    from ._config import Keys
    from ._errors import Failure
    from ._output import Output

#: The SDK's documented logger and its environment switch.
LOGGER_NAME = "kling"
LOG_LEVEL_ENV = "KLING_LOG"
_LOG_LEVELS = {1: logging.INFO, 2: logging.DEBUG}


class CliState:
    """What the global options decided, shared by every subcommand through ``ctx.obj``."""

    def __init__(self, *, output: Output, base_url_flag: str | None, api_key_flag: str | None = None) -> None:
        self.output = output
        self.base_url_flag = base_url_flag
        self._api_key_flag = api_key_flag

    @property
    def base_url(self) -> str:
        from ._config import resolve_base_url

        return resolve_base_url(self.base_url_flag)

    def keys(self, base_url: str) -> Keys:
        from ._config import resolve_keys

        keys = resolve_keys(base_url, api_key_flag=self._api_key_flag)
        if keys.demo:
            self.output.note(
                f"note: no {ACCESS_KEY_ENV}/{SECRET_KEY_ENV} set: using the emulator's public demo keys for {base_url}"
            )
        return keys

    def client(self, ctx: click.Context) -> Kling:
        """A Kling client for this run, closed when the command ends."""
        from .. import Kling

        base_url = self.base_url
        keys = self.keys(base_url)
        if keys.api_key is not None:
            return ctx.with_resource(Kling(api_key=keys.api_key, base_url=base_url))
        return ctx.with_resource(Kling(keys.access_key, keys.secret_key, base_url=base_url))

    def command(self, *words: str) -> str:
        """A ``kling`` command line to copy, with this run's --base-url when one was given."""
        prefix = ["kling", "--base-url", self.base_url_flag] if self.base_url_flag else ["kling"]
        return shlex.join([*prefix, *words])

    def resume_command(self, task_id: str) -> str:
        return self.command("images", "wait", task_id)


def state_of(ctx: click.Context) -> CliState:
    state = ctx.find_object(CliState)
    if state is None:  # pragma: no cover - the root callback always runs first
        raise RuntimeError("kling subcommand run without the kling group")
    return state


def _epilog() -> str:
    lines = "\n".join(f"  {code:>3}  {meaning}" for code, meaning in DESCRIPTIONS)
    return (
        f"\b\nEnvironment: {API_KEY_ENV} (API key, recommended), or {ACCESS_KEY_ENV} and {SECRET_KEY_ENV}\n"
        f"(key pair); {BASE_URL_ENV} (base URL);\n"
        f"{LOG_LEVEL_ENV} (info or debug logs on stderr).\n"
        "Against a local emulator (a loopback --base-url) no keys are needed: the demo keys are used.\n"
        f"\n\b\nExit codes:\n{lines}"
    )


#: Subcommand -> (the module that defines it and adds it to ``cli``, a stand-in with the command's help or
#: short_help for its line in ``kling --help``). A module is imported only when its command is looked up (run, or
#: asked for its own help), so ``kling --help`` loads none of them; sdk/kling_tests/test_cold_start.py checks that
#: each stand-in's line is the command's own.
LAZY_COMMANDS: dict[str, tuple[str, click.Command]] = {
    "auth": (
        "kling.cli._auth",
        click.Command("auth", help="Which auth mode is in use; sign an API token, or check one."),
    ),
    "emulator": (
        "kling.cli._emulator",
        click.Command("emulator", short_help="Run the local emulator (kling emulator --help for its options)."),
    ),
    "images": (
        "kling.cli._images",
        click.Command("images", help="Create image tasks, follow them and download their images."),
    ),
}


def _reportable() -> tuple[type[BaseException], ...]:
    """The errors reported as one line: imported when one propagates (the SDK is loaded by then)."""
    from kling_auth import MissingCredentialsError

    from .. import KlingError
    from ._errors import CliError

    return (KlingError, CliError, MissingCredentialsError)


class KlingGroup(click.Group):
    """The root group: reports every expected failure as one line (or JSON) with its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        from ._errors import Failure, Interrupted, describe

        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            if not _json_mode(ctx):
                raise
            _report(ctx, Failure(USAGE, error.format_message(), {}, "UsageError"))
        except KeyboardInterrupt:
            _report(ctx, describe(Interrupted("interrupted"), resume=_resume(ctx)))
        except _reportable() as error:  # evaluated only once an exception gets here
            _report(ctx, describe(error, resume=_resume(ctx)))

    # -- lazy subcommands -----------------------------------------------------------------------------------

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            importlib.import_module(LAZY_COMMANDS[cmd_name][0])  # its @cli.group() / @cli.command() adds it
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, but a command whose module is not imported yet is listed from its stand-in in
        ``LAZY_COMMANDS`` instead of being imported for it."""
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                command = LAZY_COMMANDS[name][1]
            if not command.hidden:
                commands.append((name, command))
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section(gettext("Commands")):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])


def _json_mode(ctx: click.Context) -> bool:
    return bool(ctx.params.get("json_output"))


def _resume(ctx: click.Context) -> Callable[[str], str]:
    from ._output import Output

    state = ctx.find_object(CliState)
    if state is not None:
        return state.resume_command
    return CliState(output=Output(json_mode=False), base_url_flag=ctx.params.get("base_url")).resume_command


def _report(ctx: click.Context, failure: Failure) -> None:
    from ._output import Output

    state = ctx.find_object(CliState)
    output = state.output if state is not None else Output(json_mode=_json_mode(ctx))
    output.error(failure)
    ctx.exit(failure.exit_code)


class _WarningNotes(logging.Handler):
    """The SDK's warnings (an unknown model, a request beyond a model's capabilities) as notes on stderr:
    silent with --json, like every note, and shown once whatever handlers the root logger has."""

    def __init__(self, output: Output) -> None:
        super().__init__(logging.WARNING)
        self._output = output

    def emit(self, record: logging.LogRecord) -> None:
        self._output.note(f"warning: {record.getMessage()}")


def _setup_logging(ctx: click.Context, verbosity: int, output: Output) -> None:
    """Warnings as notes; -v: one line per request (info); -vv: also retries and poll decisions (debug).
    Removed at exit."""
    logger = logging.getLogger(LOGGER_NAME)
    if verbosity <= 0 or os.environ.get(LOG_LEVEL_ENV):
        # KLING_LOG already sends the logger to stderr (the SDK sets it up): a second handler for warnings
        # would print them twice.
        if os.environ.get(LOG_LEVEL_ENV):
            return
        notes = _WarningNotes(output)
        logger.addHandler(notes)
        ctx.call_on_close(lambda: logger.removeHandler(notes))
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(_LOG_LEVELS[min(verbosity, max(_LOG_LEVELS))])

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    ctx.call_on_close(restore)


@click.group(name="kling", cls=KlingGroup, epilog=_epilog(), context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--base-url",
    metavar="URL",
    help=f"API base URL (default: ${BASE_URL_ENV}, else the official endpoint).",
)
@click.option(
    "--api-key",
    metavar="KEY",
    help=f"Static API key (default: ${API_KEY_ENV}; prefer the variable: a flag stays in shell history).",
)
@click.option("--json", "json_output", is_flag=True, help="Machine output: one JSON document on stdout.")
@click.option("-v", "--verbose", count=True, help="Log requests to stderr (-v info, -vv debug).")
@click.version_option(package_name="kling-client", prog_name="kling")
@click.pass_context
def cli(ctx: click.Context, base_url: str | None, json_output: bool, verbose: int, api_key: str | None = None) -> None:
    """Generate images with the Kling AI API (or a local emulator), from the command line."""
    from ._output import Output

    output = Output(json_mode=json_output)
    ctx.obj = CliState(output=output, base_url_flag=base_url, api_key_flag=api_key)
    _setup_logging(ctx, verbose, output)
