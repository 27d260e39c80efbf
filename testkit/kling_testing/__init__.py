"""A pytest plugin for testing your own code against a local Kling emulator, offline and free.

Registered by the plain ``kling-client`` install, pytest loads it by itself (entry point ``pytest11``, no
``conftest.py`` needed); with the ``[emulator]`` extra (the fixtures' emulator), it offers these fixtures::

    def test_my_app(kling_client: kling.Kling, kling_emulator: KlingEmulator, tmp_path: Path) -> None:
        kling_emulator.inject_next(error=5001)  # the next API request answers 503/5001
        task = kling_client.images.generate("a red fox")
        assert kling_client.images.download(task, tmp_path)

- ``kling_emulator``: a :class:`KlingEmulator`, the emulator of this test (``base_url``; the credentials it
  accepts: ``api_key``, and ``access_key``/``secret_key`` for signed JWTs; faults, timeline, quota, rate limits,
  API key and webhook secret to set). It serves every endpoint of the spec: image generation, omni-image,
  multi-image to image, outpainting, AI Multi-Shot, the element library and the account. Fresh for every test:
  no tasks, the whole quota free, a full resource pack, no faults, tasks that end at once, callbacks unsigned.
- ``kling_client``: a ``kling.Kling`` bound to it with the access/secret key pair (JWTs), closed after the test.
- ``async_kling_client``: the same as a ``kling.AsyncKling``, for pytest-asyncio tests.
- ``kling_api_key_client`` and ``async_kling_api_key_client``: the same, authenticated with the API key
  (``Kling(api_key=...)``, the publisher's recommended mode).
- ``kling_callback_receiver``: a :class:`CallbackReceiver` on loopback, a ``callback_url`` whose callbacks a test
  reads back (raw body and headers), e.g. to check the code that verifies signed callbacks::

    def test_my_webhook(kling_client, kling_emulator, kling_callback_receiver):
        secret = kling_emulator.sign_callbacks()  # a fresh whsec_ secret, for this test
        kling_client.images.create("a red fox", callback_url=kling_callback_receiver.url)
        for callback in kling_callback_receiver.wait_for(3):
            assert handle_webhook(callback.body, callback.headers, secret)  # your code: kling.parse_callback(...)

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

    from kling_testing._receiver import CallbackReceiver, ReceivedCallback


def __getattr__(name: str) -> object:
    # The receiver's module imports http.server: only when asked for (pytest imports this package in every run).
    if name in ("CallbackReceiver", "ReceivedCallback"):
        from kling_testing import _receiver

        return getattr(_receiver, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_PROCESSING_AFTER",
    "DEFAULT_SUCCEED_AFTER",
    "CallbackReceiver",
    "KlingEmulator",
    "ReceivedCallback",
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

    Point your code at ``base_url`` with ``api_key`` (``Authorization: Bearer <API key>``), or with
    ``access_key`` and ``secret_key`` (signed JWTs): the emulator accepts both, as the service does. Or use the
    client fixtures, already bound to it. Every setter below lasts until the end of the test. Faults apply to API
    requests (create, query, list), never to image downloads.
    """

    def __init__(
        self, emulator: Emulator, *, base_url: str, access_key: str, secret_key: str, api_key: str | None = None
    ) -> None:
        #: The emulator's state (``kling_emulator.Emulator``): its task store, its configuration.
        self.emulator = emulator
        self.base_url = base_url
        self.access_key = access_key
        self._secret_key = secret_key
        self._api_key = api_key

    @property
    def secret_key(self) -> str:
        """The secret key the emulator accepts tokens signed with (random for each session)."""
        return self._secret_key

    @property
    def api_key(self) -> str:
        """The API key the emulator accepts (random for each session, or the one of :meth:`set_api_key`)."""
        if self._api_key is None:
            raise RuntimeError("this emulator was set up without an API key: call set_api_key() first")
        return self._api_key

    @property
    def webhook_secret(self) -> str | None:
        """The secret this test's callbacks are signed with (:meth:`sign_callbacks`); None: they go unsigned."""
        return self.emulator.config.webhook_secret

    def __repr__(self) -> str:
        # Never the secret key, the API key or the webhook secret: reprs end up in test reports and logs.
        return f"KlingEmulator(base_url={self.base_url!r}, access_key={self.access_key!r})"

    def env(self) -> dict[str, str]:
        """``KLING_BASE_URL``, ``KLING_API_KEY``, ``KLING_ACCESS_KEY`` and ``KLING_SECRET_KEY`` for code that builds
        its own client from the environment: ``for name, value in kling_emulator.env().items():
        monkeypatch.setenv(name, value)``. Each credential is one the emulator accepts (``kling.Kling()`` picks the
        API key), so a real key of yours in the environment is never the one used.
        """
        from kling_auth import ACCESS_KEY_ENV, API_KEY_ENV, BASE_URL_ENV, SECRET_KEY_ENV

        names = {BASE_URL_ENV: self.base_url, ACCESS_KEY_ENV: self.access_key, SECRET_KEY_ENV: self._secret_key}
        if self._api_key is not None:
            names[API_KEY_ENV] = self._api_key
        return names

    # -- credentials and signed callbacks --------------------------------------------------------------------

    def set_api_key(self, api_key: str) -> None:
        """Accept ``api_key`` (instead of the session's) in this test, e.g. the one your code reads from its own
        settings; ``api_key`` then returns it. The key pair is unchanged. ValueError for a key no header could
        carry (empty, or with spaces); the message never shows it."""
        self.emulator.set_api_keys([api_key])
        self._api_key = api_key

    def sign_callbacks(self, secret: str | None = None) -> str:
        """Sign this test's callbacks from now on, as the service does for an account with a webhook secret: each
        carries ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (Standard Webhooks, over the exact
        body sent). With ``secret`` (``whsec_`` + Base64, as the console shows one), or a fresh random one;
        returns it, for your code's ``kling.parse_callback(body, headers=..., secret=...)``. ValueError for a
        secret that is not one (never shown). By default, callbacks go unsigned."""
        if secret is None:
            import base64
            import secrets

            secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        self.emulator.set_webhook_secret(secret)
        return secret

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
        """The account's concurrency slots (20 by default): a task holds one per image it makes (``n``; an omni-image
        series its length, 4 for ``series_amount: "auto"``; AI Multi-Shot 3; an element task 1) until it ends, and a
        create beyond them answers 429/1303. ValueError below 1."""
        self.emulator.reconfigure(slots=slots)

    def set_qps_limits(self, enabled: bool) -> None:
        """Whether the operations with a rate the publisher asks for (``GET /account/costs``: at most 1 request a
        second) answer 429/1302 beyond it, with ``Retry-After``, as the emulator does by default; False for a test
        that calls them faster on purpose."""
        self.emulator.reconfigure(qps_limits=enabled)

    @property
    def task_count(self) -> int:
        """How many tasks the emulator holds: every task created in this test (e.g. to check that a retried
        create made exactly one)."""
        return len(self.emulator.tasks)
