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
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
#: The shortest HMAC key PyJWT signs HS256 with without an InsecureKeyLengthWarning (RFC 7518 §3.2).
MIN_SECRET_KEY_BYTES = 32
#: Subcommands whose every argument goes to another program: the global options are not taken after them.
PASS_THROUGH_COMMANDS = frozenset({"emulator"})


class CliState:
    """What the global options decided, shared by every subcommand through ``ctx.obj``."""

    def __init__(self, *, output: Output, base_url_flag: str | None, api_key_flag: str | None = None) -> None:
        self.output = output
        self.base_url_flag = base_url_flag
        self._api_key_flag = api_key_flag
        self.verbosity = 0
        #: The command group of the task this run deals with: resume hints name its ``wait`` (``kling omni wait``).
        self.task_command = "images"
        self._undo_logging: Callable[[], None] = lambda: None

    def configure_logging(self, ctx: click.Context, verbosity: int) -> None:
        """Set the ``kling`` logger up for this verbosity, replacing what an earlier call set (a -v given after
        the subcommand adds to one given before it); undone when ``ctx`` closes."""
        self._undo_logging()
        self.verbosity = verbosity
        self._undo_logging = _setup_logging(ctx, verbosity, self.output)

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
        elif keys.api_key is None and len(keys.secret_key.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
            # PyJWT would say it as a Python warning with a file path; the CLI says it once, as a note.
            self.output.note(
                f"note: {SECRET_KEY_ENV} is {len(keys.secret_key.encode('utf-8'))} bytes long, shorter than the "
                f"{MIN_SECRET_KEY_BYTES} bytes HS256 requires (RFC 7518): check that it was copied whole"
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
        return self.command(self.task_command, "wait", task_id)


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
        "The options above also work after the command: kling images list --json.\n"
        f"\n\b\nExit codes:\n{lines}"
    )


#: Subcommand -> (the module that defines it and adds it to ``cli``, a stand-in with the command's help or
#: short_help for its line in ``kling --help``). A module is imported only when its command is looked up (run, or
#: asked for its own help), so ``kling --help`` loads none of them; sdk/kling_tests/test_cold_start.py checks that
#: each stand-in's line is the command's own.
LAZY_COMMANDS: dict[str, tuple[str, click.Command]] = {
    "account": (
        "kling.cli._account",
        click.Command("account", help="Your account: the resource packs and the units left in them."),
    ),
    "auth": (
        "kling.cli._auth",
        click.Command("auth", help="Which auth mode is in use; sign an API token, or check one."),
    ),
    "elements": (
        "kling.cli._elements",
        click.Command("elements", help="Your elements (consistent subjects for --element) and the official presets."),
    ),
    "emulator": (
        "kling.cli._emulator",
        click.Command("emulator", short_help="Run the local emulator (kling emulator --help for its options)."),
    ),
    "images": (
        "kling.cli._images",
        click.Command("images", help="Create image tasks, follow them and download their images."),
    ),
    "multi-image": (
        "kling.cli._multi_image",
        click.Command("multi-image", help="Multi-image tasks: up to four subjects, a scene and a style in one image."),
    ),
    "multi-shot": (
        "kling.cli._multi_shot",
        click.Command(
            "multi-shot", help="Three views of a subject from its frontal image: kling multi-shot FRONTAL_IMAGE."
        ),
    ),
    "omni": (
        "kling.cli._omni",
        click.Command("omni", help="Omni-image tasks (Image O1, Image 3.0 Omni): references, elements, 4K, series."),
    ),
    "outpaint": (
        "kling.cli._outpaint",
        click.Command("outpaint", help="Extend an image on its sides: kling outpaint IMAGE --left 0.5 --right 0.5."),
    ),
}


def _reportable() -> tuple[type[BaseException], ...]:
    """The errors reported as one line: imported when one propagates (the SDK is loaded by then)."""
    from kling_auth import MissingCredentialsError

    from .. import KlingError
    from ._errors import CliError

    return (KlingError, CliError, MissingCredentialsError)


def _late_json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        state_of(ctx).output.json_mode = True


def _late_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        state_of(ctx).base_url_flag = value


def _late_api_key(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        state_of(ctx)._api_key_flag = value


def _late_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        state = state_of(ctx)
        state.configure_logging(ctx, state.verbosity + value)


def _global_options() -> list[click.Parameter]:
    """The root group's options, for a subcommand to take after its name too (``kling images list --json``).

    Hidden (``kling --help`` lists them once, and says they work here too), eager (applied before the
    command's own options are converted, so a bad value of those is reported as JSON under --json), and applied
    to the run's CliState, which the root group's callback made before this subcommand's options were parsed.
    """
    common: dict[str, Any] = {"hidden": True, "is_eager": True, "expose_value": False}
    return [
        click.Option(["--base-url", "late_base_url"], metavar="URL", callback=_late_base_url, **common),
        click.Option(["--api-key", "late_api_key"], metavar="KEY", callback=_late_api_key, **common),
        click.Option(["--json", "late_json"], is_flag=True, callback=_late_json, **common),
        click.Option(["-v", "--verbose", "late_verbose"], count=True, callback=_late_verbose, **common),
    ]


def _accept_global_options(command: click.Command) -> None:
    taken = {opt for param in command.params for opt in param.opts}
    clashes = taken & {opt for param in _global_options() for opt in param.opts}
    if clashes:  # pragma: no cover - a programming error, caught by any test that imports the command
        raise RuntimeError(f"kling {command.name}: its own {sorted(clashes)} would hide the global options")
    command.params.extend(_global_options())


class CommandGroup(click.Group):
    """A group under ``kling`` (``images``, ``auth``): it and each of its commands take the global options too."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _accept_global_options(cmd)
        super().add_command(cmd, name)


class KlingGroup(click.Group):
    """The root group: reports every expected failure as one line (or JSON) with its exit code."""

    #: ``@cli.group()`` makes a CommandGroup.
    group_class = CommandGroup

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if (name or cmd.name) not in PASS_THROUGH_COMMANDS:
            _accept_global_options(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        from ._errors import Failure, Interrupted, describe

        try:
            with _quiet_key_length_warning():
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


@contextmanager
def _quiet_key_length_warning() -> Iterator[None]:
    """PyJWT's InsecureKeyLengthWarning (a Python warning with a file path and a source line) is not shown: the
    CLI notes a short secret key in its own words (``CliState.keys``)."""
    from jwt.warnings import InsecureKeyLengthWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        yield


def _json_mode(ctx: click.Context) -> bool:
    state = ctx.find_object(CliState)
    return state.output.json_mode if state is not None else bool(ctx.params.get("json_output"))


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


def _setup_logging(ctx: click.Context, verbosity: int, output: Output) -> Callable[[], None]:
    """Warnings as notes; -v: one line per request (info); -vv: also retries and poll decisions (debug).
    Removed when ``ctx`` closes, or earlier by calling what this returns (calling it twice is harmless)."""
    logger = logging.getLogger(LOGGER_NAME)
    if verbosity <= 0 or os.environ.get(LOG_LEVEL_ENV):
        # KLING_LOG already sends the logger to stderr (the SDK sets it up): a second handler for warnings
        # would print them twice.
        if os.environ.get(LOG_LEVEL_ENV):
            return lambda: None
        notes = _WarningNotes(output)
        logger.addHandler(notes)

        def remove() -> None:
            logger.removeHandler(notes)

        ctx.call_on_close(remove)
        return remove
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(_LOG_LEVELS[min(verbosity, max(_LOG_LEVELS))])

    def restore() -> None:
        if handler in logger.handlers:
            logger.removeHandler(handler)
            logger.setLevel(previous)

    ctx.call_on_close(restore)
    return restore


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
    ctx.obj = state = CliState(output=output, base_url_flag=base_url, api_key_flag=api_key)
    state.configure_logging(ctx, verbose)
