"""Number options that take ASCII digits only.

click's ``int`` and ``float`` types call ``int()`` and ``float()``, which take full-width, Arabic-Indic and
other Unicode digits (U+FF11, U+0663), and ``int()`` refuses more than 4300 digits with a ValueError. The API
takes neither, so the command line refuses them with a usage error naming the option.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

import click
from kling_spec import MAX_INTEGER_DIGITS as MAX_DIGITS

_INTEGER = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_MAX_FLOAT_CHARS = 40


def _shown(text: str) -> str:
    return repr(text) if len(text) <= _MAX_FLOAT_CHARS else repr(text[:_MAX_FLOAT_CHARS]) + "..."


class AsciiInt(click.ParamType[int]):
    """An integer of at most MAX_DIGITS ASCII digits, with an optional sign."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # a default
        text = str(value).strip()
        if not _INTEGER.fullmatch(text):
            self.fail(f"{_shown(text)} is not a valid integer (ASCII digits 0-9, at most {MAX_DIGITS})", param, ctx)
        return int(text)


class AsciiFloat(click.ParamType[float]):
    """A finite decimal number written with ASCII digits; ``positive`` refuses 0 and below."""

    name = "float"

    def __init__(self, *, positive: bool = False) -> None:
        self.positive = positive

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)  # a default
        text = str(value).strip()
        if len(text) > _MAX_FLOAT_CHARS or not _FLOAT.fullmatch(text):
            self.fail(f"{_shown(text)} is not a valid float (ASCII digits, e.g. 0.5)", param, ctx)
        number = float(text)
        if not math.isfinite(number):
            self.fail(f"{_shown(text)} is out of range", param, ctx)
        if self.positive and number <= 0:
            self.fail(f"{_shown(text)} must be greater than 0", param, ctx)
        return number


ASCII_INT = AsciiInt()
ASCII_FLOAT = AsciiFloat()
POSITIVE_FLOAT = AsciiFloat(positive=True)


class OpenChoice(click.ParamType[str]):
    """Any text, with the known values offered for shell completion and named in the help.

    For values the API keeps adding to (model names): a value this client does not list yet is passed on
    unchanged and the server decides.
    """

    name = "text"

    def __init__(self, known: list[str]) -> None:
        self.known = known

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "[" + "|".join(self.known) + "|...]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if not text.strip():
            self.fail("must not be empty", param, ctx)
        return text

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(value) for value in self.known if value.startswith(incomplete)]


class SeriesAmount(click.ParamType[int | str]):
    """An image series' length: a number (ASCII digits; its range is the spec's, checked by the SDK) or ``auto``."""

    name = "series"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | str:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.lower() == "auto":
            return "auto"
        if not _INTEGER.fullmatch(text):
            self.fail(f"{_shown(text)} is not a number of images or auto", param, ctx)
        return int(text)


SERIES_AMOUNT = SeriesAmount()


class Instant(click.ParamType[int]):
    """A time as the API takes it, milliseconds since the epoch: given as such (ASCII digits), or as an ISO 8601 date
    or date and time (``2026-05-01``, ``2026-05-01T12:00:00+02:00``; UTC when it names no offset)."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if _INTEGER.fullmatch(text):
            return int(text)
        try:
            moment = datetime.fromisoformat(text) if len(text) <= _MAX_FLOAT_CHARS else None
        except ValueError:
            moment = None
        if moment is None:
            self.fail(
                f"{_shown(text)} is not a time: an ISO 8601 date or date and time (2026-05-01, "
                "2026-05-01T12:00:00+02:00) or milliseconds since the epoch",
                param,
                ctx,
            )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)


INSTANT = Instant()
