"""Kling and AsyncKling: the clients people import.

A client checks its configuration, builds the generated client (with the auth plugin) and a ClientCore
(``_core``), and hands the core to its resources; ``with_options`` makes a copy that shares the connection pools.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx
import kling_auth
from kling_api import AuthenticatedClient
from kling_api.types import UNSET, Unset

from ._arguments import check_http_timeout
from ._constants import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DOWNLOAD_MAX_REDIRECTS,
    DOWNLOAD_TIMEOUT,
)
from ._core import CallOptions, ClientCore, _Pools
from ._errors import MissingCredentialsError, ValidationError
from ._images import (
    AsyncImages,
    AsyncMultiImages,
    AsyncMultiShots,
    AsyncOmniImages,
    AsyncOutpainting,
    Images,
    MultiImages,
    MultiShots,
    OmniImages,
    Outpainting,
)
from ._logging import configure_from_env, log_warning
from ._loopback import is_loopback
from ._retry import Timing

if TYPE_CHECKING:
    from ._account import Account, AsyncAccount
    from ._elements import AsyncElements, Elements

# Of the caller's httpx_args, what also applies to image downloads. Never headers, cookies or auth: the
# image CDN is another host and must not see the API's credentials.
_DOWNLOAD_ARGS = frozenset({"transport", "verify", "cert", "proxy", "trust_env", "http1", "http2"})
# httpx_args the generated client sets itself, under these names of its own.
_CLIENT_OPTIONS = {
    "headers": "headers",
    "cookies": "cookies",
    "verify": "verify_ssl",
    "follow_redirects": "follow_redirects",
}
#: The resources made on first use (``cached_property``): a ``with_options`` copy makes its own.
_RESOURCES = ("omni_images", "multi_images", "outpainting", "multi_shots", "elements", "account")
# httpx_args that Kling's own arguments own.
_OWN_ARGS = ("base_url", "timeout")


def _no_keys_anywhere(api_key: str | None, access_key: str | None, secret_key: str | None) -> bool:
    """No key as an argument or in the environment: where kling_auth.resolve_auth would find none at all."""
    if api_key is not None or access_key is not None or secret_key is not None:
        return False
    environ = os.environ
    return (
        not environ.get(kling_auth.API_KEY_ENV)
        and environ.get(kling_auth.ACCESS_KEY_ENV) is None
        and environ.get(kling_auth.SECRET_KEY_ENV) is None
    )


def _check_max_retries(max_retries: object) -> int:
    if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
        raise ValidationError("max_retries", f"must be an integer >= 0, got {max_retries!r}")
    return max_retries


class _BaseKling:
    """What both clients share: configuration, the generated client, timing hooks."""

    def __init__(
        self,
        access_key: str | None,
        secret_key: str | None,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        strict_capabilities: bool,
        httpx_args: Mapping[str, Any] | None,
    ) -> None:
        configure_from_env()
        if not isinstance(strict_capabilities, bool):
            raise ValidationError(
                "strict_capabilities", f"must be True or False, got {type(strict_capabilities).__name__}"
            )
        _check_max_retries(max_retries)
        if base_url is not None and not isinstance(base_url, str):
            raise ValidationError("base_url", f"must be a URL string, got {type(base_url).__name__}")
        if httpx_args is not None and not isinstance(httpx_args, Mapping):
            raise ValidationError(
                "httpx_args", f"must be a mapping of httpx.Client arguments, got {type(httpx_args).__name__}"
            )
        check_http_timeout(timeout)
        self.base_url: str = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        try:
            url = httpx.URL(self.base_url)
        except httpx.InvalidURL as error:
            raise ValidationError("base_url", f"is not a URL: {error}") from None
        scheme = url.scheme
        if scheme not in ("http", "https") or not url.host:
            raise ValidationError("base_url", f"must be an http(s) URL with a host, got {self.base_url!r}")
        if _no_keys_anywhere(api_key, access_key, secret_key) and is_loopback(self.base_url):
            # As the CLI does: a local emulator accepts its public demo pair, so `KLING_BASE_URL=http://127.0.0.1:8765`
            # is all a demo needs. Never for another host: a typo in a real URL must not sign with public keys.
            access_key, secret_key = kling_auth.DEMO_ACCESS_KEY, kling_auth.DEMO_SECRET_KEY
            log_warning(
                "no keys set (%s, or %s and %s): using the local emulator's public demo keys for %s (loopback only)",
                kling_auth.API_KEY_ENV,
                kling_auth.ACCESS_KEY_ENV,
                kling_auth.SECRET_KEY_ENV,
                self.base_url,
            )
        try:
            auth = kling_auth.resolve_auth(api_key, access_key, secret_key)
        except kling_auth.MissingCredentialsError as error:
            raise MissingCredentialsError(str(error)) from None
        #: Which documented auth mode this client uses: "api_key" (static key) or "jwt" (access/secret pair).
        self.auth_mode: kling_auth.AuthMode = kling_auth.auth_mode(auth)
        user_args = dict(httpx_args or {})
        user_args.pop("auth", None)
        for name in _OWN_ARGS:
            if name in user_args:
                raise ValidationError("httpx_args", f"{name!r} is set by Kling's own {name} argument, not httpx_args")
        # The generated client passes these to httpx itself: hand them over under its own names.
        client_options = {option: user_args.pop(name) for name, option in _CLIENT_OPTIONS.items() if name in user_args}
        api: AuthenticatedClient = kling_auth.authenticated_client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout) if isinstance(timeout, int | float) else timeout,
            auth=auth,
            raise_on_unexpected_status=True,
            httpx_args=user_args,
            **client_options,
        )
        self._access_key = auth.access_key if isinstance(auth, kling_auth.KlingAuth) else None
        download_args: dict[str, Any] = {
            "timeout": DOWNLOAD_TIMEOUT,
            "follow_redirects": True,
            "max_redirects": DOWNLOAD_MAX_REDIRECTS,
            **{name: value for name, value in (httpx_args or {}).items() if name in _DOWNLOAD_ARGS},
        }
        self._core = ClientCore(
            api=api,
            timing=Timing(),
            max_retries=max_retries,
            strict_capabilities=strict_capabilities,
            download_schemes=frozenset({"https", scheme}),
            pools=_Pools(download_args),
            timeout=httpx.Timeout(timeout) if isinstance(timeout, int | float) else timeout,
        )

    @property
    def max_retries(self) -> int:
        """Retries of each call after its first attempt."""
        return self._core.max_retries

    @property
    def strict_capabilities(self) -> bool:
        """Whether what the spec's capability map says a model does not support is refused before sending."""
        return self._core.strict_capabilities

    @property
    def _timing(self) -> Timing:
        # Clock, sleeps and randomness: tests replace them (``client._timing = ...``).
        return self._core.timing

    @_timing.setter
    def _timing(self, timing: Timing) -> None:
        self._core.timing = timing

    def _copy_core(
        self, timeout: float | httpx.Timeout | Unset | None, max_retries: int | Unset, strict: bool | Unset
    ) -> ClientCore:
        changes: dict[str, Any] = {}
        if not isinstance(timeout, Unset):
            check_http_timeout(timeout)
            changes["defaults"] = CallOptions(timeout=timeout).over(self._core.defaults)
        if not isinstance(max_retries, Unset):
            changes["max_retries"] = _check_max_retries(max_retries)
        if not isinstance(strict, Unset):
            if not isinstance(strict, bool):
                raise ValidationError("strict_capabilities", f"must be True or False, got {type(strict).__name__}")
            changes["strict_capabilities"] = strict
        return self._core.copy(**changes)

    def _with_core(self, core: ClientCore) -> Self:
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        for name in _RESOURCES:  # made again, on first use, around the copy's core
            copy.__dict__.pop(name, None)
        copy._core = core
        copy._bind(core)
        return copy

    def _bind(self, core: ClientCore) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        # The access key identifies the pair and is no secret; the API key and the secret key never show.
        who = f"access_key={self._access_key!r}" if self._access_key is not None else "api_key='***'"
        return f"{type(self).__name__}(base_url={self.base_url!r}, {who})"


class Kling(_BaseKling):
    """The Kling AI image API, synchronous.

    Authentication, in this order: an ``api_key`` argument (the static API key, the publisher's
    recommendation); an ``access_key``/``secret_key`` pair (signed JWTs); $KLING_API_KEY; $KLING_ACCESS_KEY and
    $KLING_SECRET_KEY. Explicit arguments win over the environment; at the same level the API key wins.
    ``auth_mode`` says which is used. The base URL defaults to $KLING_BASE_URL. With no key anywhere and a
    loopback base URL (a local emulator), the emulator's public demo pair is used, with a warning on the
    ``kling`` logger.

    ``timeout`` is per request; ``max_retries`` bounds retries of each call; ``strict_capabilities`` refuses,
    before sending, what the spec's capability map says a model does not support (by default it is logged as
    a warning and sent: the server decides); ``httpx_args`` go to the httpx client (e.g. a ``transport``).
    One connection pool per client: use it as a context manager, or call ``close()``.
    """

    #: Image-generation tasks: create, get, list, wait, generate, download, generate_many.
    images: Images

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        strict_capabilities: bool = False,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            access_key,
            secret_key,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            strict_capabilities=strict_capabilities,
            httpx_args=httpx_args,
        )
        self._bind(self._core)

    def _bind(self, core: ClientCore) -> None:
        self.images = Images(core)

    @cached_property
    def omni_images(self) -> OmniImages:
        """Omni-image tasks (Image O1, Image 3.0 Omni: 4K, series): the same verbs as :attr:`images`."""
        return OmniImages(self._core)

    @cached_property
    def multi_images(self) -> MultiImages:
        """Multi-image-to-image tasks (subjects, scene, style): the same verbs as :attr:`images`."""
        return MultiImages(self._core)

    @cached_property
    def outpainting(self) -> Outpainting:
        """Outpainting tasks (an image extended on its sides): the same verbs as :attr:`images`."""
        return Outpainting(self._core)

    @cached_property
    def multi_shots(self) -> MultiShots:
        """AI multi-shot tasks (three views from a frontal image): the same verbs as :attr:`images`."""
        return MultiShots(self._core)

    @cached_property
    def elements(self) -> Elements:
        """The account's elements (create, get, list, wait, generate), the presets and deletion."""
        from ._elements import Elements

        return Elements(self._core)

    @cached_property
    def account(self) -> Account:
        """The account's resource packs (``costs``) and billing ledgers."""
        from ._account import Account

        return Account(self._core)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        max_retries: int | Unset = UNSET,
        strict_capabilities: bool | Unset = UNSET,
    ) -> Self:
        """A copy with other defaults for its calls, sharing this client's connection pools (closing either
        closes them); this client is unchanged. ``timeout`` is the HTTP timeout of each request."""
        return self._with_core(self._copy_core(timeout, max_retries, strict_capabilities))

    def close(self) -> None:
        """Close the connection pools (API and downloads)."""
        self._core.api.get_httpx_client().close()
        if self._core.pools.sync is not None:
            self._core.pools.sync.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncKling(_BaseKling):
    """The Kling AI image API, asynchronous: the same surface as :class:`Kling`, with ``await``.

    Use it with ``async with``, or call ``await client.aclose()``.
    """

    #: Image-generation tasks, with ``await``: the same methods as :attr:`Kling.images`.
    images: AsyncImages

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        strict_capabilities: bool = False,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            access_key,
            secret_key,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            strict_capabilities=strict_capabilities,
            httpx_args=httpx_args,
        )
        self._bind(self._core)

    def _bind(self, core: ClientCore) -> None:
        self.images = AsyncImages(core)

    @cached_property
    def omni_images(self) -> AsyncOmniImages:
        """Omni-image tasks: see :attr:`Kling.omni_images`."""
        return AsyncOmniImages(self._core)

    @cached_property
    def multi_images(self) -> AsyncMultiImages:
        """Multi-image-to-image tasks: see :attr:`Kling.multi_images`."""
        return AsyncMultiImages(self._core)

    @cached_property
    def outpainting(self) -> AsyncOutpainting:
        """Outpainting tasks: see :attr:`Kling.outpainting`."""
        return AsyncOutpainting(self._core)

    @cached_property
    def multi_shots(self) -> AsyncMultiShots:
        """AI multi-shot tasks: see :attr:`Kling.multi_shots`."""
        return AsyncMultiShots(self._core)

    @cached_property
    def elements(self) -> AsyncElements:
        """The account's elements: see :attr:`Kling.elements`."""
        from ._elements import AsyncElements

        return AsyncElements(self._core)

    @cached_property
    def account(self) -> AsyncAccount:
        """The account's resource packs and ledgers: see :attr:`Kling.account`."""
        from ._account import AsyncAccount

        return AsyncAccount(self._core)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        max_retries: int | Unset = UNSET,
        strict_capabilities: bool | Unset = UNSET,
    ) -> Self:
        """A copy with other defaults for its calls, sharing this client's connection pools: see
        :meth:`Kling.with_options`."""
        return self._with_core(self._copy_core(timeout, max_retries, strict_capabilities))

    async def aclose(self) -> None:
        """Close the connection pools (API and downloads)."""
        await self._core.api.get_async_httpx_client().aclose()
        if self._core.pools.async_ is not None:
            await self._core.pools.async_.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
