"""The emulator's configuration: one frozen object, every field with a default."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import httpx
from kling_auth import ACCESS_KEY_ENV, DEMO_ACCESS_KEY, DEMO_SECRET_KEY, SECRET_KEY_ENV, is_utf8_text

from ._constants import (
    DEFAULT_IMAGE_CACHE_SIZE,
    DEFAULT_MAX_TASKS,
    DEFAULT_PROCESSING_AFTER,
    DEFAULT_SLOTS,
    DEFAULT_SUCCEED_AFTER,
    DEFAULT_TASK_TTL,
    DEFAULT_TICK_INTERVAL,
)
from ._faults import FaultConfig

#: Returns the current Unix time in seconds, like ``time.time``.
Clock = Callable[[], float]


def default_keys() -> dict[str, str]:
    """``$KLING_ACCESS_KEY``/``$KLING_SECRET_KEY`` when both are set, else the public demo pair."""
    access, secret = os.environ.get(ACCESS_KEY_ENV), os.environ.get(SECRET_KEY_ENV)
    if access and secret:
        return {access: secret}
    return {DEMO_ACCESS_KEY: DEMO_SECRET_KEY}


@dataclass(frozen=True)
class EmulatorConfig:
    """How the emulator behaves; see :func:`kling_emulator.create_app` for each field."""

    keys: Mapping[str, str] = field(default_factory=default_keys, repr=False)
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

    def __post_init__(self) -> None:
        if not self.keys or not all(
            isinstance(k, str) and isinstance(v, str) and k and v for k, v in self.keys.items()
        ):
            raise ValueError("keys must map non-empty access keys to non-empty secret keys")
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

    def __repr__(self) -> str:
        # Access keys are fine to show; secrets never are.
        return (
            f"EmulatorConfig(access_keys={sorted(self.keys)!r}, processing_after={self.processing_after}, "
            f"succeed_after={self.succeed_after}, slots={self.slots}, faults={self.faults!r}, "
            f"task_ttl={self.task_ttl}, max_tasks={self.max_tasks})"
        )
