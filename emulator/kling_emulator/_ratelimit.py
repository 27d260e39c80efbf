"""The request rates the publisher asks for, enforced: an operation's ``x-kling-rate-limit``.

``GET /account/costs`` states "≤ 1 QPS" (account.md §0), the only operation of the spec with a rate; the service
answers a client beyond a rate with 429 and code 1302, "requests too fast" (the error table). The emulator holds
each such operation to its rate, for the whole account (all its keys share it): a request less than
``1 / requests_per_second`` seconds after the last one it accepted answers 429/1302, with ``Retry-After``. Only
requests the operation handles count: one refused before (401, an invalid parameter) does not. Timed on the
emulator's clock, so a test with a fake clock decides when the next call fits. ``create_app(qps_limits=False)``
turns it off.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping

from kling_spec import Spec, qps_limit


def spec_qps_limits(spec: Spec) -> dict[str, float]:
    """operationId -> requests per second, for every operation of the spec that states a rate."""
    limits: dict[str, float] = {}
    for _, _, operation in spec.operations():
        limit = qps_limit(str(operation["operationId"]), spec=spec)
        if limit is not None and limit > 0:
            limits[str(operation["operationId"])] = limit
    return limits


class QpsLimiter:
    """Admits a request of a rate-limited operation when the last one it admitted is far enough in the past."""

    def __init__(self, limits: Mapping[str, float]) -> None:
        self._rates = dict(limits)
        self._intervals = {operation: 1 / rate for operation, rate in limits.items()}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def admit(self, operation_id: str, now: float) -> float | None:
        """None when the request may go ahead (it then counts); else the seconds until one may."""
        interval = self._intervals.get(operation_id)
        if interval is None:
            return None
        with self._lock:
            last = self._last.get(operation_id)
            if last is not None and now - last < interval:
                return interval - (now - last)
            self._last[operation_id] = now
            return None

    def rate(self, operation_id: str) -> float:
        """The requests a second ``operation_id`` takes (KeyError for one without a rate)."""
        return self._rates[operation_id]

    def reset(self) -> None:
        with self._lock:
            self._last.clear()


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
