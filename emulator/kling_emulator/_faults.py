"""Fault injection: per app (probabilistic, seeded), per request (a header), or queued for the next requests.

The request header ``X-Kling-Emulator-Fault`` holds comma-separated directives::

    X-Kling-Emulator-Fault: latency=0.3
    X-Kling-Emulator-Fault: error=5001            (any documented code: 5000, 5001, 5002, 1102...)
    X-Kling-Emulator-Fault: rate_limit            (HTTP 429, code 1302)
    X-Kling-Emulator-Fault: drop                  (connection dropped before the request is handled)
    X-Kling-Emulator-Fault: drop=after            (handled, e.g. the task IS created, then dropped)
    X-Kling-Emulator-Fault: moderation            (create: the task ends `failed`, risk control)
    X-Kling-Emulator-Fault: html=502              (a gateway's HTML error page, 500/502/503/504; not handled)
    X-Kling-Emulator-Fault: stall=2               (handled, e.g. the task IS created, then the answer
                                                   is held back 2 s: a client read timeout is ambiguous)
    X-Kling-Emulator-Fault: latency=1, error=5002

Latency applies first, then ``drop`` and ``html`` (the request never reaches the API), then
authentication, then ``error``/``rate_limit`` (so an unauthenticated request still gets its 401
first), then the operation, then ``stall`` and ``drop=after``. A malformed header answers
400/1201 naming the header (quoting at most 64 characters of the culprit). Faults apply to the
API routes, not to image downloads. To fault one operation only (creates, not queries), send the
header on those requests only.
"""

from __future__ import annotations

import itertools
import random
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Final, Literal, TypeVar

from kling_spec import documented_errors

from ._constants import FAULT_HEADER, MAX_FAULT_LATENCY
from ._errors import ApiError, echo

DropMode = Literal["before", "after"]
T = TypeVar("T")

_HEADER_FIELD = f"header.{FAULT_HEADER}"
_RATE_LIMIT_CODE = 1302
#: Statuses a gateway in front of the API answers with an HTML page of its own.
HTML_STATUSES: Final = frozenset({500, 502, 503, 504})
#: Seconds in a directive: ASCII digits with an optional fraction ("2", "0.3", ".5").
_DECIMAL: Final = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


@dataclass(frozen=True)
class Fault:
    """What goes wrong with one request."""

    latency: float = 0.0
    error: int | None = None
    drop: DropMode | None = None
    moderation: bool = False
    #: A gateway's HTML error page with this status instead of the API's answer.
    html: int | None = None
    #: Seconds the answer is held back after the request was handled.
    stall: float = 0.0


@dataclass(frozen=True)
class FaultConfig:
    """Faults of the whole app, drawn per request from a seeded RNG (reproducible runs).

    ``latency`` seconds are added to every API request; each ``*_rate`` is the probability,
    in [0, 1], that a request gets that fault. ``error_rate`` picks one of ``error_codes``.
    """

    latency: float = 0.0
    error_rate: float = 0.0
    error_codes: tuple[int, ...] = (5000, 5001, 5002)
    rate_limit_rate: float = 0.0
    drop_rate: float = 0.0
    moderation_rate: float = 0.0
    seed: int | None = 0

    def __post_init__(self) -> None:
        if not 0 <= self.latency <= MAX_FAULT_LATENCY:
            raise ValueError(f"latency must be in [0, {MAX_FAULT_LATENCY}], got {self.latency}")
        for name in ("error_rate", "rate_limit_rate", "drop_rate", "moderation_rate"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        unknown = [code for code in self.error_codes if code not in documented_errors()]
        if unknown or not self.error_codes:
            raise ValueError(f"error_codes must be documented error codes, got {self.error_codes}")


def parse_fault_header(value: str) -> Fault:
    """The Fault a header value asks for; ApiError (400/1201 naming the header) when malformed."""
    latency = 0.0
    error: int | None = None
    drop: DropMode | None = None
    moderation = False
    html: int | None = None
    stall = 0.0
    for raw in value.split(","):
        directive = raw.strip()
        if not directive:
            continue
        name, has_value, argument = (part.strip() for part in directive.partition("="))
        name = name.lower()
        if name in ("latency", "stall") and has_value:
            seconds = _seconds(name, argument)
            if name == "latency":
                latency = seconds
            else:
                stall = seconds
        elif name == "html" and has_value:
            # ASCII and short: isdigit() is true for "²", and int() refuses both it and 4301+ digits (a 500, not a 400).
            if (
                not (argument.isascii() and argument.isdigit() and len(argument) <= 4)
                or int(argument) not in HTML_STATUSES
            ):
                statuses = ", ".join(map(str, sorted(HTML_STATUSES)))
                raise ApiError.invalid(_HEADER_FIELD, f"html must be one of {statuses}: {echo(argument)!r}")
            html = int(argument)
        elif name == "error" and has_value:
            if (
                not (argument.isascii() and argument.isdigit() and len(argument) <= 4)
                or int(argument) not in documented_errors()
            ):
                raise ApiError.invalid(_HEADER_FIELD, f"error must be a documented error code: {echo(argument)!r}")
            error = int(argument)
        elif name == "rate_limit" and not has_value:
            error = _RATE_LIMIT_CODE
        elif name == "drop" and argument in ("", "before", "after"):
            drop = "after" if argument == "after" else "before"
        elif name == "moderation" and not has_value:
            moderation = True
        else:
            raise ApiError.invalid(
                _HEADER_FIELD,
                f"unknown directive {echo(directive)!r}: use latency=<s>, error=<code>, rate_limit, drop[=after], "
                "moderation, html=<status>, stall=<s>",
            )
    return Fault(latency=latency, error=error, drop=drop, moderation=moderation, html=html, stall=stall)


def _seconds(name: str, argument: str) -> float:
    # A plain ASCII decimal: float() also takes full-width digits, "1_0", "1e1", "nan" and "inf".
    if not _DECIMAL.fullmatch(argument):
        raise ApiError.invalid(_HEADER_FIELD, f"{name} must be a number of seconds: {echo(argument)!r}")
    seconds = float(argument)
    if not 0 <= seconds <= MAX_FAULT_LATENCY:
        raise ApiError.invalid(_HEADER_FIELD, f"{name} must be in [0, {MAX_FAULT_LATENCY}] seconds")
    return seconds


@dataclass
class FaultInjector:
    """Combines the app's probabilistic faults with the request's header and the faults queued for next requests.

    A request's header wins over a queued fault, which wins over a drawn one (latencies add up).
    """

    config: FaultConfig = field(default_factory=FaultConfig)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: deque[Fault] = deque()
        self._moderations = 0
        self.reseed()

    def queue(self, fault: Fault, times: int = 1) -> None:
        """The next ``times`` API requests get ``fault``, after the faults queued before."""
        _check_times(times)
        with self._lock:
            self._queued.extend(itertools.repeat(fault, times))

    def queue_moderation(self, times: int = 1) -> None:
        """The next ``times`` tasks created end ``failed`` (risk control), whatever requests come between."""
        _check_times(times)
        with self._lock:
            self._moderations += times

    def take_moderation(self) -> bool:
        """Whether a task being created takes one of the queued moderation failures."""
        with self._lock:
            if not self._moderations:
                return False
            self._moderations -= 1
            return True

    def reseed(self) -> None:
        """Restart the sequence of drawn faults from the configured seed."""
        with self._lock:
            # Not for security: a seeded RNG makes a run with random faults reproducible.
            self._rng = random.Random(self.config.seed)  # noqa: S311

    def for_request(self, header_value: str | None) -> Fault:
        requested = parse_fault_header(header_value) if header_value is not None else Fault()
        with self._lock:
            queued = self._queued.popleft() if self._queued else Fault()
        drawn = self._draw()
        return Fault(
            latency=self.config.latency + queued.latency + requested.latency,
            error=_first(requested.error, queued.error, drawn.error),
            drop=_first(requested.drop, queued.drop, drawn.drop),
            moderation=requested.moderation or queued.moderation or drawn.moderation,
            html=_first(requested.html, queued.html, None),
            stall=requested.stall or queued.stall,
        )

    def _draw(self) -> Fault:
        config = self.config
        with self._lock:
            drop: DropMode | None = "before" if self._hit(config.drop_rate) else None
            error = self._rng.choice(config.error_codes) if self._hit(config.error_rate) else None
            if error is None and self._hit(config.rate_limit_rate):
                error = _RATE_LIMIT_CODE
            moderation = self._hit(config.moderation_rate)
        return Fault(drop=drop, error=error, moderation=moderation)

    def _hit(self, rate: float) -> bool:
        # No draw at rate 0: a config without faults leaves the stream of draws untouched.
        return rate > 0 and self._rng.random() < rate


def _first(*values: T | None) -> T | None:
    return next((value for value in values if value is not None), None)


def _check_times(times: int) -> None:
    if not isinstance(times, int) or isinstance(times, bool) or times < 1:
        raise ValueError(f"times must be an integer >= 1, got {times!r}")
