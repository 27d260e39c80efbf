"""``kling account costs``: the account's resource packs (``/account/costs``): what each holds and has left."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click
from kling_api.types import Unset

from ._app import cli, state_of
from ._errors import options_named
from ._output import _timestamp as timestamp
from ._params import INSTANT

if TYPE_CHECKING:
    from kling_api.models import ResourcePack

#: The option of each query parameter, for the errors.
_OPTIONS = {"start_time": "--start", "end_time": "--end", "resource_pack_name": "--pack"}
#: The window ``costs`` asks about when neither end is given: the last 30 days.
DEFAULT_WINDOW_MS = 30 * 24 * 60 * 60 * 1000


@cli.group()
def account() -> None:
    """Your account: the resource packs and the units left in them."""


def _units(value: float | Unset) -> str:
    if isinstance(value, Unset):
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _text(value: object) -> str:
    return "-" if value is None or isinstance(value, Unset) else str(value)


def pack_rows(packs: list[ResourcePack]) -> list[str]:
    """The packs as an aligned table, a header first: name, type, remaining/total units, status, expiry."""
    rows = [("NAME", "TYPE", "REMAINING/TOTAL", "STATUS", "EXPIRES")]
    for pack in packs:
        expires = "-" if isinstance(pack.invalid_time, Unset) else timestamp(pack.invalid_time)
        units = f"{_units(pack.remaining_quantity)}/{_units(pack.total_quantity)}"
        rows.append(
            (_text(pack.resource_pack_name), _text(pack.resource_pack_type), units, _text(pack.status), expires)
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    # The last column is not padded: no trailing spaces.
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


@account.command()
@click.option(
    "--start",
    type=INSTANT,
    metavar="ISO|MS",
    help="Window start: an ISO 8601 date or time (UTC unless it says), or Unix milliseconds (default: 30 days "
    "before the end).",
)
@click.option("--end", type=INSTANT, metavar="ISO|MS", help="Window end, the same way (default: now).")
@click.option("--pack", "resource_pack_name", metavar="NAME", help="Only the resource pack of this exact name.")
@click.pass_context
def costs(ctx: click.Context, start: int | None, end: int | None, resource_pack_name: str | None) -> None:
    """The resource packs active in a window (default: the last 30 days): name, type, units left, status."""
    state = state_of(ctx)
    end = end if end is not None else int(time.time() * 1000)
    start = start if start is not None else end - DEFAULT_WINDOW_MS
    client = state.client(ctx)
    with options_named(_OPTIONS.get):
        answer = client.account.costs(start, end, resource_pack_name)
    if state.output.json_mode:
        state.output.data(answer.to_dict())
        return
    if isinstance(answer.code, int) and answer.code != 0:
        state.output.note(f"note: the API says: {_text(answer.msg)} (inner code {answer.code})")
    packs = [] if isinstance(answer.resource_pack_subscribe_infos, Unset) else answer.resource_pack_subscribe_infos
    if not packs:
        state.output.note(f"no resource pack between {timestamp(start)} and {timestamp(end)}")
        return
    for line in pack_rows(packs):
        state.output.line(line)
    state.output.note("note: the remaining units can lag by up to 12 hours (the API's statistics)")
