"""A pytest plugin for testing your own code against a local Kling emulator, offline and free.

Installed with ``kling-client[emulator]``, pytest loads it by itself (entry point ``pytest11``, no
``conftest.py`` needed) and offers three fixtures::

    def test_my_app(kling_client: kling.Kling, kling_emulator: KlingEmulator, tmp_path: Path) -> None:
        kling_emulator.inject_next(error=5001)  # the next API request answers 503/5001
        task = kling_client.images.generate("a red fox")
        assert kling_client.images.download(task, tmp_path)

- ``kling_emulator``: a :class:`KlingEmulator`, the emulator of this test (``base_url``, ``access_key``,
  ``secret_key``; faults, timeline and quota to set). Fresh for every test: no tasks, the whole quota free,
  no faults, tasks that end at once.
- ``kling_client``: a ``kling.Kling`` bound to it, closed after the test.
- ``async_kling_client``: a ``kling.AsyncKling`` bound to it, for pytest-asyncio tests.

One emulator serves the whole session (uvicorn in a thread, on a free loopback port); only its state is
reset between tests. This module and :mod:`kling_testing.plugin` import nothing heavy: pytest imports the
plugin in every run, also where the emulator's dependencies or pytest-asyncio are not installed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from kling_emulator import Emulator

__all__ = [
    "DEFAULT_PROCESSING_AFTER",
    "DEFAULT_SUCCEED_AFTER",
    "KlingEmulator",
]

#: Seconds after creation when a test's task turns ``processing``, and when it ends (``succeed``, or ``failed``
#: after :meth:`KlingEmulator.moderate_next`). Zero: the first query after the create already sees the end, so
#: ``generate`` returns at once. :meth:`KlingEmulator.set_timeline` changes it for one test.
DEFAULT_PROCESSING_AFTER: Final = 0.0
DEFAULT_SUCCEED_AFTER: Final = 0.0

#: What ``inject_next(drop=...)`` takes: ``"before"`` (the request never reaches the API) or ``"after"``
#: (it is handled, e.g. the task IS created, then the connection drops: an ambiguous failure).
DropMode = Literal["before", "after"]


class KlingEmulator:
    """The local Kling emulator one test talks to: the ``kling_emulator`` fixture.

    Point your code at ``base_url`` with ``access_key`` and ``secret_key`` (or use the ``kling_client`` /
    ``async_kling_client`` fixtures, already bound to it). Every setter below lasts until the end of the test.
    Faults apply to API requests (create, query, list), never to image downloads.
    """

    def __init__(self, emulator: Emulator, *, base_url: str, access_key: str, secret_key: str) -> None:
        #: The emulator's state (``kling_emulator.Emulator``): its task store, its configuration.
        self.emulator = emulator
        self.base_url = base_url
        self.access_key = access_key
        self._secret_key = secret_key

    @property
    def secret_key(self) -> str:
        """The secret key the emulator accepts tokens signed with (random for each session)."""
        return self._secret_key

    def __repr__(self) -> str:
        # Never the secret key: reprs end up in test reports and logs.
        return f"KlingEmulator(base_url={self.base_url!r}, access_key={self.access_key!r})"

    def env(self) -> dict[str, str]:
        """``KLING_BASE_URL``, ``KLING_ACCESS_KEY`` and ``KLING_SECRET_KEY`` for code that builds its own client
        from the environment: ``for name, value in kling_emulator.env().items(): monkeypatch.setenv(name, value)``.
        """
        from kling_auth import ACCESS_KEY_ENV, BASE_URL_ENV, SECRET_KEY_ENV

        return {BASE_URL_ENV: self.base_url, ACCESS_KEY_ENV: self.access_key, SECRET_KEY_ENV: self._secret_key}

    # -- the task timeline -----------------------------------------------------------------------------------

    def set_timeline(self, *, processing_after: float | None = None, succeed_after: float | None = None) -> None:
        """Tasks created from now on turn ``processing`` ``processing_after`` seconds after creation and end
        ``succeed_after`` seconds after it (ValueError unless ``0 <= processing_after <= succeed_after``).
        A value not given stays as it is, but a later ``processing_after`` pushes the end along with it.
        Tasks already created keep their timeline."""
        if processing_after is not None and succeed_after is None:
            succeed_after = max(processing_after, self.emulator.config.succeed_after)
        self.emulator.reconfigure(processing_after=processing_after, succeed_after=succeed_after)

    # -- faults ----------------------------------------------------------------------------------------------

    def inject_next(
        self,
        times: int = 1,
        *,
        error: int | None = None,
        drop: DropMode | None = None,
        latency: float = 0.0,
        stall: float = 0.0,
        html: int | None = None,
    ) -> None:
        """The next ``times`` API requests go wrong, in the order they arrive (after faults injected before).

        - ``error``: the documented answer of that API code, e.g. 5000, 5001, 5002 (server errors), 1302
          (rate limit), 1303 (quota full), 1102 (resource pack depleted), 1301 (content policy);
        - ``drop``: the connection drops, ``"before"`` the request is handled or ``"after"`` (the task IS
          created, the answer is lost);
        - ``latency``: seconds before the request is handled; ``stall``: seconds the answer is held back after;
        - ``html``: a gateway's HTML error page with this status (500, 502, 503 or 504) instead of the answer.

        ValueError when nothing is asked for or a value is not one the emulator knows.
        """
        directives: list[str] = []
        if error is not None:
            directives.append(f"error={error}")
        if drop is not None:
            directives.append("drop=after" if drop == "after" else "drop=before")
        for name, seconds in (("latency", latency), ("stall", stall)):
            if not isinstance(seconds, int | float) or not math.isfinite(seconds) or seconds < 0:
                raise ValueError(f"inject_next: {name} must be a finite number of seconds >= 0, got {seconds!r}")
            if seconds:
                # A plain decimal, as the header takes it (never "1e-05").
                directives.append(f"{name}={seconds:.6f}")
        if html is not None:
            directives.append(f"html={html}")
        if not directives:
            raise ValueError("inject_next: say what goes wrong (error=, drop=, latency=, stall= or html=)")
        from kling_emulator import ApiError, parse_fault_header

        # The X-Kling-Emulator-Fault header's parser: the same checks, the same meaning.
        try:
            fault = parse_fault_header(", ".join(directives))
        except ApiError as refused:
            # Its message starts with the header's name, which the caller never wrote.
            raise ValueError(f"inject_next: {refused.message.partition(': ')[2]}") from None
        self.emulator.queue_fault(fault, times)

    def moderate_next(self, times: int = 1) -> None:
        """The next ``times`` tasks created end ``failed`` ("Failure to pass the risk control system"), as the
        real service does when an image does not pass moderation: ``generate`` raises ``TaskFailedError``."""
        self.emulator.moderate_next(times)

    def set_fault_rates(
        self,
        *,
        error_rate: float = 0.0,
        error_codes: Iterable[int] = (5000, 5001, 5002),
        rate_limit_rate: float = 0.0,
        drop_rate: float = 0.0,
        moderation_rate: float = 0.0,
        latency: float = 0.0,
        seed: int | None = 0,
    ) -> None:
        """Faults drawn for every API request from now on, each with its probability in [0, 1]: ``error_rate``
        (one of ``error_codes``), ``rate_limit_rate`` (429/1302), ``drop_rate`` (connection dropped before the
        request is handled), ``moderation_rate`` (a created task ends ``failed``); ``latency`` seconds are
        added to every request. Draws come from a seeded RNG: the same test sees the same faults every run
        (``seed=None`` for a fresh sequence). ValueError for a rate outside [0, 1] or an unknown code."""
        from kling_emulator import FaultConfig

        self.emulator.reconfigure(
            faults=FaultConfig(
                latency=latency,
                error_rate=error_rate,
                error_codes=tuple(error_codes),
                rate_limit_rate=rate_limit_rate,
                drop_rate=drop_rate,
                moderation_rate=moderation_rate,
                seed=seed,
            )
        )

    # -- the account -----------------------------------------------------------------------------------------

    def set_slots(self, slots: int) -> None:
        """The account's concurrency slots (20 by default): a task holds ``n`` of them until it ends, and a
        create beyond them answers 429/1303. ValueError below 1."""
        self.emulator.reconfigure(slots=slots)

    @property
    def task_count(self) -> int:
        """How many tasks the emulator holds: every task created in this test (e.g. to check that a retried
        create made exactly one)."""
        return len(self.emulator.tasks)
