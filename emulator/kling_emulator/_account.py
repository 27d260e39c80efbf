"""The emulated account's money: its resource packs, its cash balance, and the ledgers of what tasks were charged.

Each task that succeeds is charged what its answer says it took (``final_unit_deduction`` and
``final_balance_deduction``, the spec's ``x-kling-pricing`` through ``kling_spec.estimate_cost``): its units from the
account's image resource pack, which ``GET /account/costs`` shows going down, and its list price from the cash
balance (USD). Failed tasks and tasks of no price (elements) are charged nothing and have no entry. Every charge
is an entry of both ledgers (``POST /account/billing/package``, ``POST /account/billing/balance``), by charge
order. A pack or balance never goes below 0: a charge beyond what is left takes what is left (the pack is then
``runOut``).

``GET /account/costs`` lists the packs whose window (``effective_time`` to ``invalid_time``) overlaps the query's:
the image pack, open from the emulator's start for PACK_DAYS, and the spec's documented pack (an expired 2024 video
pack, from its example), which nothing charges.

The ledgers keep the last MAX_LEDGER_ENTRIES charges. A page is filtered by task creation time and ``filters``
(values of one key are a union, keys an intersection; a filter without values filters nothing) and holds at most
``limit`` entries; ``next_cursor`` asks for the next one. A cursor holds its query (it overrides the body's, as
the docs say), so the emulator keeps nothing per cursor; one it did not give answers 400/1201 naming the field.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ._constants import CASH_BALANCE, CURRENCY, MAX_LEDGER_ENTRIES, PACK_DAYS, PACK_ID, PACK_NAME, PACK_UNITS
from ._errors import ApiError
from ._tasks import Task, TaskStatus

Ledger = Literal["balance", "package"]
#: The filter keys of each ledger (the spec's BalanceFilterKey and PackageFilterKey).
FILTER_KEYS: dict[Ledger, tuple[str, ...]] = {
    "balance": ("api_key_name",),
    "package": ("api_key_name", "product_type", "package_name", "package_id"),
}
#: What the account's image pack is for (``product_type``).
PRODUCT_TYPE = "image"
DAY_MS = 86_400_000
NOT_A_CURSOR = "is not a next_cursor this ledger gave (send the next_cursor of an earlier answer as it is)"


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _number(value: Decimal) -> float:
    return float(value)


@dataclass(frozen=True, slots=True)
class Charge:
    """One task charged: an entry of both ledgers."""

    seq: int
    task_id: str
    created_ms: int
    charged_ms: int
    api_key_name: str
    product_function: str
    model_name: str
    resolution: str
    units_before: Decimal
    units_after: Decimal
    balance_before: Decimal
    balance_after: Decimal
    list_price: Decimal

    def entry(self, ledger: Ledger) -> dict[str, Any]:
        """The entry as its ledger lists it (``BalanceDeduction`` or ``PackageDeduction``)."""
        entry: dict[str, Any] = {}
        if ledger == "package":
            entry.update(package_id=PACK_ID, product_type=PRODUCT_TYPE)
        entry.update(task_id=self.task_id, api_key_name=self.api_key_name, product_function=self.product_function)
        if self.model_name:
            entry["model_name"] = self.model_name
        if self.resolution:
            entry["resolution"] = self.resolution
        entry["deduction_time"] = str(self.charged_ms)
        if ledger == "package":
            entry.update(
                unit_before_deduction=_number(self.units_before),
                deduction_amount=_number(self.units_before - self.units_after),
                unit_after_deduction=_number(self.units_after),
            )
        else:
            entry.update(
                cash_type="balance",
                balance_before_deduction=_number(self.balance_before),
                deduction_amount=_number(self.balance_before - self.balance_after),
                balance_after_deduction=_number(self.balance_after),
                list_price=_number(self.list_price),
                currency=CURRENCY,
            )
        return entry

    def field(self, key: str) -> str:
        """The value a filter of ``key`` matches."""
        return {
            "api_key_name": self.api_key_name,
            "product_type": PRODUCT_TYPE,
            "package_name": PACK_NAME,
            "package_id": PACK_ID,
        }[key]


@dataclass(frozen=True)
class LedgerQuery:
    """What a page of a ledger holds: the window of task creation times, the filters, the most entries."""

    start: int
    end: int
    limit: int
    #: Each key with values -> those values (a union); keys intersect.
    filters: tuple[tuple[str, tuple[str, ...]], ...]

    def matches(self, charge: Charge) -> bool:
        return self.start <= charge.created_ms <= self.end and all(
            charge.field(key) in values for key, values in self.filters
        )


class Account:
    """Packs, balance and ledgers of the one account the emulator has. Thread-safe."""

    def __init__(self, *, opened_at: float, documented_packs: list[dict[str, Any]], default_limit: int) -> None:
        self._lock = threading.Lock()
        self._documented_packs = copy.deepcopy(documented_packs)
        self._default_limit = default_limit
        self.reset(opened_at)

    def reset(self, opened_at: float) -> None:
        """A fresh account: the pack and balance whole, no charge; the pack opened at ``opened_at``."""
        with self._lock:
            self._opened_ms = _ms(opened_at)
            self._units = Decimal(PACK_UNITS)
            self._balance = Decimal(CASH_BALANCE)
            self._charges: deque[Charge] = deque(maxlen=MAX_LEDGER_ENTRIES)
            self._seq = 0

    @property
    def remaining_units(self) -> Decimal:
        return self._units

    @property
    def balance(self) -> Decimal:
        return self._balance

    def charge(self, task: Task) -> None:
        """Charge a task that just ended, if it succeeded at a price (the task store's ``on_end``)."""
        spec = task.spec
        if task.outcome is not TaskStatus.SUCCEED or spec.units is None or spec.list_price is None:
            return
        units, price = Decimal(spec.units), Decimal(spec.list_price)
        if not units and not price:
            return
        with self._lock:
            units_after = max(Decimal(0), self._units - units)
            balance_after = max(Decimal(0), self._balance - price)
            self._seq += 1
            self._charges.append(
                Charge(
                    seq=self._seq,
                    task_id=task.task_id,
                    created_ms=_ms(task.created_at),
                    charged_ms=_ms(task.finished_at),
                    api_key_name=spec.api_key_name,
                    product_function=spec.endpoint.product_function,
                    model_name=spec.model_name,
                    resolution=spec.resolution,
                    units_before=self._units,
                    units_after=units_after,
                    balance_before=self._balance,
                    balance_after=balance_after,
                    list_price=price,
                )
            )
            self._units, self._balance = units_after, balance_after

    # -- GET /account/costs ------------------------------------------------------------------------------------

    def costs(self, *, start_ms: int, end_ms: int, pack_name: str | None, now: float) -> dict[str, Any]:
        """``data`` of ``GET /account/costs``: the packs whose window overlaps ``start_ms``..``end_ms``."""
        with self._lock:
            packs = [self._image_pack(_ms(now)), *copy.deepcopy(self._documented_packs)]
        listed = [
            pack
            for pack in packs
            if start_ms <= end_ms
            and pack["effective_time"] <= end_ms
            and pack["invalid_time"] >= start_ms
            and (pack_name is None or pack["resource_pack_name"] == pack_name)
        ]
        return {"code": 0, "msg": "success", "resource_pack_subscribe_infos": listed}

    def _image_pack(self, now_ms: int) -> dict[str, Any]:
        invalid = self._opened_ms + PACK_DAYS * DAY_MS
        if now_ms < self._opened_ms:
            status = "toBeOnline"
        elif now_ms >= invalid:
            status = "expired"
        elif not self._units:
            status = "runOut"
        else:
            status = "online"
        return {
            "resource_pack_name": PACK_NAME,
            "resource_pack_id": PACK_ID,
            "resource_pack_type": "decreasing_total",
            "total_quantity": float(PACK_UNITS),
            "remaining_quantity": _number(self._units),
            "purchase_time": self._opened_ms,
            "effective_time": self._opened_ms,
            "invalid_time": invalid,
            "status": status,
        }

    # -- the ledgers -------------------------------------------------------------------------------------------

    def ledger_page(self, ledger: Ledger, body: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` of a ledger: the page ``body`` asks for (a schema-valid request of that ledger)."""
        cursor = body.get("cursor")
        if isinstance(cursor, str) and cursor:
            query, after = _decode_cursor(cursor, ledger)
        else:
            query, after = self._query(body), 0
        with self._lock:
            charges = [charge for charge in self._charges if charge.seq > after and query.matches(charge)]
        page = charges[: query.limit]
        has_more = len(charges) > len(page)
        return {
            "result": {"detail": [charge.entry(ledger) for charge in page], "count": len(page)},
            "next_cursor": _encode_cursor(ledger, query, page[-1].seq) if has_more and page else "",
            "has_more": has_more,
        }

    def _query(self, body: Mapping[str, Any]) -> LedgerQuery:
        limit = body.get("limit", self._default_limit)
        # The schema bounds limit at 500 and states no minimum; below 1 counts as left out (a page must make
        # progress: a limit of 0 would hand out the same cursor for ever).
        limit = int(limit) if isinstance(limit, int | float) and limit >= 1 else self._default_limit
        values: dict[str, set[str]] = {}
        for item in body.get("filters") or ():
            if item["values"]:  # a filter without values filters nothing (the spec's documented example)
                values.setdefault(str(item["key"]), set()).update(str(value) for value in item["values"])
        filters = tuple((key, tuple(sorted(found))) for key, found in sorted(values.items()))
        return LedgerQuery(start=int(body["start_time"]), end=int(body["end_time"]), limit=limit, filters=filters)


def _encode_cursor(ledger: Ledger, query: LedgerQuery, after: int) -> str:
    state = {
        "ledger": ledger,
        "start": query.start,
        "end": query.end,
        "limit": query.limit,
        "filters": [[key, list(values)] for key, values in query.filters],
        "after": after,
    }
    text = json.dumps(state, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str, ledger: Ledger) -> tuple[LedgerQuery, int]:
    """The query and position a cursor of ``ledger`` holds; ApiError (400/1201 naming the field) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise ApiError.invalid("body.cursor", NOT_A_CURSOR) from None
    if not (
        isinstance(state, dict)
        and set(state) == {"ledger", "start", "end", "limit", "filters", "after"}
        and state["ledger"] == ledger
        and all(_is_int(state[name]) for name in ("start", "end", "limit", "after"))
        and isinstance(state["filters"], list)
        and all(_is_filter(item, ledger) for item in state["filters"])
        and state["limit"] >= 1
    ):
        raise ApiError.invalid("body.cursor", NOT_A_CURSOR)
    filters = tuple((str(key), tuple(str(value) for value in values)) for key, values in state["filters"])
    query = LedgerQuery(start=state["start"], end=state["end"], limit=state["limit"], filters=filters)
    return query, int(state["after"])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_filter(item: Any, ledger: Ledger) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 2
        and item[0] in FILTER_KEYS[ledger]
        and isinstance(item[1], list)
        and all(isinstance(value, str) for value in item[1])
    )
