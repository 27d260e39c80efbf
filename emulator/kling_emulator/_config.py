"""The emulator's configuration: one frozen object, every field with a default."""

from __future__ import annotations

import base64
import binascii
import math
import os
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import httpx
from kling_auth import (
    ACCESS_KEY_ENV,
    API_KEY_ENV,
    DEMO_ACCESS_KEY,
    DEMO_API_KEY,
    DEMO_SECRET_KEY,
    SECRET_KEY_ENV,
    is_utf8_text,
)

from ._constants import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_IMAGE_CACHE_SIZE,
    DEFAULT_MAX_TASKS,
    DEFAULT_PROCESSING_AFTER,
    DEFAULT_QPS_LIMITS,
    DEFAULT_SLOTS,
    DEFAULT_SUCCEED_AFTER,
    DEFAULT_TASK_TTL,
    DEFAULT_TICK_INTERVAL,
    WEBHOOK_SECRET_ENV,
    WEBHOOK_SECRET_PREFIX,
)
from ._faults import FaultConfig

#: Returns the current Unix time in seconds, like ``time.time``.
Clock = Callable[[], float]


def _environment_keys() -> dict[str, str]:
    access, secret = os.environ.get(ACCESS_KEY_ENV), os.environ.get(SECRET_KEY_ENV)
    return {access: secret} if access and secret else {}


def _environment_api_keys() -> frozenset[str]:
    api_key = os.environ.get(API_KEY_ENV)
    return frozenset({api_key}) if api_key else frozenset()


def default_keys() -> dict[str, str]:
    """The key pairs accepted when none are given: ``$KLING_ACCESS_KEY``/``$KLING_SECRET_KEY`` when both are
    set; none when only ``$KLING_API_KEY`` is; else the public demo pair."""
    keys = _environment_keys()
    if keys or _environment_api_keys():
        return keys
    return {DEMO_ACCESS_KEY: DEMO_SECRET_KEY}


def default_api_keys() -> frozenset[str]:
    """The API keys accepted when none are given: ``$KLING_API_KEY`` when set; none when only the key pair
    is; else the public demo API key."""
    api_keys = _environment_api_keys()
    if api_keys or _environment_keys():
        return api_keys
    return frozenset({DEMO_API_KEY})


def default_webhook_secret() -> str | None:
    """``$KLING_WEBHOOK_SECRET`` when set, else None (callbacks go unsigned)."""
    return os.environ.get(WEBHOOK_SECRET_ENV) or None


def check_webhook_secret(secret: str) -> None:
    """ValueError unless ``secret`` is ``whsec_`` and non-empty Base64, as the console shows one; the message
    never quotes it."""
    encoded = secret.removeprefix(WEBHOOK_SECRET_PREFIX)
    try:
        valid = secret.startswith(WEBHOOK_SECRET_PREFIX) and bool(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise ValueError(
            f"webhook_secret must be {WEBHOOK_SECRET_PREFIX!r} followed by Base64, as the console shows it "
            f"(${WEBHOOK_SECRET_ENV}, --webhook-secret); it is not shown here"
        )


def check_seconds(name: str, value: float) -> None:
    """ValueError unless ``value`` is a positive, finite number of seconds (a time limit)."""
    if not (isinstance(value, int | float) and 0 < value < math.inf):
        raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")


class _Unresolved(dict[str, str]):
    """The default of ``EmulatorConfig.keys``: resolved together with ``api_keys``."""


class _UnresolvedApiKeys(frozenset[str]):
    """The default of ``EmulatorConfig.api_keys``: resolved together with ``keys``."""


@dataclass(frozen=True)
class EmulatorConfig:
    """How the emulator behaves; see :func:`kling_emulator.create_app` for each field.

    Credentials: ``keys`` (access key -> secret key) and ``api_keys``. One left out comes from the
    environment (``$KLING_ACCESS_KEY``/``$KLING_SECRET_KEY``, ``$KLING_API_KEY``); when neither is given nor
    set there, the public demo pair and the demo API key are accepted. ``webhook_secret`` left out is
    ``$KLING_WEBHOOK_SECRET``; None sends callbacks unsigned.
    """

    keys: Mapping[str, str] = field(default_factory=_Unresolved, repr=False)
    api_keys: Collection[str] = field(default_factory=_UnresolvedApiKeys, repr=False)
    webhook_secret: str | None = field(default_factory=default_webhook_secret, repr=False)
    processing_after: float = DEFAULT_PROCESSING_AFTER
    succeed_after: float = DEFAULT_SUCCEED_AFTER
    slots: int = DEFAULT_SLOTS
    faults: FaultConfig = field(default_factory=FaultConfig)
    task_ttl: float = DEFAULT_TASK_TTL
    max_tasks: int = DEFAULT_MAX_TASKS
    image_cache_size: int = DEFAULT_IMAGE_CACHE_SIZE
    clock: Clock = time.time
    callback_transport: httpx.AsyncBaseTransport | None = None
    tick_interval: float | None = DEFAULT_TICK_INTERVAL
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    qps_limits: bool = DEFAULT_QPS_LIMITS

    def __post_init__(self) -> None:
        self._resolve_credentials()
        if not all(isinstance(k, str) and isinstance(v, str) and k and v for k, v in self.keys.items()):
            raise ValueError("keys must map non-empty access keys to non-empty secret keys")
        if not all(isinstance(key, str) and key for key in self.api_keys):
            raise ValueError("api_keys must be a collection of non-empty API keys")
        if not self.keys and not self.api_keys:
            raise ValueError("need credentials: keys (access key -> secret key) or api_keys, or both")
        for api_key in self.api_keys:
            # Never the key itself in the message.
            if not is_utf8_text(api_key):
                raise ValueError(f"api_keys: an API key is not valid text (a byte not UTF-8 in ${API_KEY_ENV}?)")
            if api_key != api_key.strip() or " " in api_key:
                raise ValueError("api_keys: an API key holds spaces, so no Authorization header could carry it")
        if self.webhook_secret is not None:
            check_webhook_secret(self.webhook_secret)
        for access, secret in self.keys.items():
            for name, value in (("an access key", access), ("a secret key", secret)):
                if not is_utf8_text(value):
                    # Never the key itself: not in the message, nor in a UnicodeEncodeError's repr later on.
                    raise ValueError(
                        f"keys: {name} is not valid text (it holds a lone surrogate, which is what a byte that is "
                        f"not UTF-8 in ${ACCESS_KEY_ENV} or ${SECRET_KEY_ENV} becomes); no token could be checked"
                    )
        # Read-only, so the frozen config cannot change under the app.
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))
        object.__setattr__(self, "api_keys", frozenset(self.api_keys))
        if not 0 <= self.processing_after <= self.succeed_after:
            raise ValueError(
                f"need 0 <= processing_after <= succeed_after, got {self.processing_after} and {self.succeed_after}"
            )
        if self.slots < 1 or self.max_tasks < self.slots:
            raise ValueError(f"need 1 <= slots <= max_tasks, got slots={self.slots}, max_tasks={self.max_tasks}")
        if self.task_ttl <= 0:
            raise ValueError(f"task_ttl must be positive, got {self.task_ttl}")
        if self.image_cache_size < 0:
            raise ValueError(f"image_cache_size must be >= 0, got {self.image_cache_size}")
        if self.tick_interval is not None and self.tick_interval <= 0:
            raise ValueError(f"tick_interval must be positive or None, got {self.tick_interval}")
        check_seconds("body_timeout", self.body_timeout)
        if not isinstance(self.qps_limits, bool):
            raise ValueError(f"qps_limits must be True or False, got {self.qps_limits!r}")

    def _resolve_credentials(self) -> None:
        keys_given = not isinstance(self.keys, _Unresolved)
        api_keys_given = not isinstance(self.api_keys, _UnresolvedApiKeys)
        if isinstance(self.api_keys, str):
            # A lone key where a collection goes: its characters must not each become a key.
            raise ValueError("api_keys must be a collection of API keys, not one string")
        if not keys_given and not api_keys_given:
            keys, api_keys = default_keys(), default_api_keys()
        else:
            # One given: the other comes from the environment only, never the demo one beside a real one.
            keys = dict(self.keys) if keys_given else _environment_keys()
            api_keys = frozenset(self.api_keys) if api_keys_given else _environment_api_keys()
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "api_keys", api_keys)

    def __repr__(self) -> str:
        # Access keys are fine to show; secrets, API keys and the webhook secret never are.
        return (
            f"EmulatorConfig(access_keys={sorted(self.keys)!r}, api_keys={len(self.api_keys)}, "
            f"signed_callbacks={self.webhook_secret is not None}, processing_after={self.processing_after}, "
            f"succeed_after={self.succeed_after}, slots={self.slots}, faults={self.faults!r}, "
            f"task_ttl={self.task_ttl}, max_tasks={self.max_tasks}, qps_limits={self.qps_limits})"
        )
