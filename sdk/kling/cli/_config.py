"""Where the command's base URL and keys come from: flags, then the environment, then the demo keys.

Keys: ``--api-key``, else ``$KLING_API_KEY`` (the static API key, the publisher's recommended mode), else
``$KLING_ACCESS_KEY`` and ``$KLING_SECRET_KEY`` (signed JWTs), else, against a loopback emulator only, its
public demo pair.

The demo keys are public constants of the local emulator; they are used only when no key is set at all
and the base URL is a loopback address, so a typo in a real deployment's URL never silently signs with
them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
from kling_auth import (
    ACCESS_KEY_ENV,
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEMO_ACCESS_KEY,
    DEMO_SECRET_KEY,
    SECRET_KEY_ENV,
)

from .._loopback import is_loopback as is_loopback  # re-exported: the CLI's tests use it from here
from ._errors import ConfigError


@dataclass(frozen=True)
class Keys:
    """An API key, or an access key and its secret; neither secret ever shows in a repr."""

    access_key: str = ""
    secret_key: str = field(default="", repr=False)
    #: True when these are the emulator's public demo keys.
    demo: bool = False
    #: The static API key, when that is the mode in use.
    api_key: str | None = field(default=None, repr=False)
    #: Where the keys came from, for `kling auth status` ("--api-key", "$KLING_API_KEY", ...).
    source: str = ""

    @property
    def mode(self) -> str:
        return "api_key" if self.api_key is not None else "jwt"


def resolve_base_url(flag: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """``--base-url``, else ``$KLING_BASE_URL``, else the official endpoint; refused unless http(s)."""
    base_url = flag or environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    source = "--base-url" if flag else f"${BASE_URL_ENV}" if environ.get(BASE_URL_ENV) else "the default"
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError):
        raise ConfigError(f"{source} is not a valid URL: {base_url!r}") from None
    if url.scheme not in {"http", "https"} or not url.host:
        raise ConfigError(f"{source} must be an http:// or https:// URL with a host, got {base_url!r}")
    return base_url


def _key_from(environ: Mapping[str, str], name: str) -> str | None:
    """A key from the environment (None when unset or empty); ConfigError when it cannot be used as text.

    A byte that is not UTF-8 in the environment reaches Python as a lone surrogate, which signing would
    fail on with a UnicodeEncodeError. The message names the variable, never the value.
    """
    value = environ.get(name) or None
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ConfigError(f"{name} holds a byte that is not UTF-8: set it again, as plain text") from None
    return value


def resolve_keys(base_url: str, environ: Mapping[str, str] = os.environ, *, api_key_flag: str | None = None) -> Keys:
    """The keys by the module docstring's order; ConfigError when there are none or half a pair."""
    if api_key_flag is not None:
        return Keys(api_key=api_key_flag, source="--api-key")
    api_key = _key_from(environ, API_KEY_ENV)
    if api_key:
        return Keys(api_key=api_key, source=f"${API_KEY_ENV}")
    access, secret = _key_from(environ, ACCESS_KEY_ENV), _key_from(environ, SECRET_KEY_ENV)
    if access and secret:
        return Keys(access, secret, source=f"${ACCESS_KEY_ENV} and ${SECRET_KEY_ENV}")
    if access is None and secret is None:
        if is_loopback(base_url):
            return Keys(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, demo=True, source="the emulator's public demo keys")
        raise ConfigError(
            f"no API keys: set {API_KEY_ENV} (recommended), or {ACCESS_KEY_ENV} and {SECRET_KEY_ENV} "
            f"(or point --base-url at a local emulator, e.g. http://127.0.0.1:8765)"
        )
    missing, present = (SECRET_KEY_ENV, ACCESS_KEY_ENV) if access else (ACCESS_KEY_ENV, SECRET_KEY_ENV)
    raise ConfigError(f"{missing} is not set ({present} is): set both")


def resolve_verifying_keys(base_url: str, environ: Mapping[str, str] = os.environ) -> Keys:
    """The secret (and, when set, the access key) ``kling auth verify`` checks a token with."""
    access, secret = _key_from(environ, ACCESS_KEY_ENV), _key_from(environ, SECRET_KEY_ENV)
    if secret:
        # Without an access key, any issuer signed with this secret passes (iss is not compared).
        return Keys(access or "", secret)
    if access is None and is_loopback(base_url):
        return Keys(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, demo=True)
    raise ConfigError(f"{SECRET_KEY_ENV} is not set: it is the key a token is checked with")
