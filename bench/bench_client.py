"""What the generated client and the auth plugin cost on top of a raw httpx call.

Everything runs in one process against the same in-memory transport, so the numbers are
ratios to a baseline measured in the same run (these machines are shared and noisy:
absolute times mean little, ratios hold). Run with ``make bench``.

- speed: one query round trip, raw ``httpx.Client.get`` + ``json.loads`` (baseline) vs
  ``get_image_task.sync_detailed`` through ``KlingAuth`` (token cached, response parsed
  into models); and signing a token vs reusing the cached one.
- memory: peak traced allocations of 2,000 polls through the generated client, against
  the same number of raw calls.
"""

from __future__ import annotations

import gc
import json
import statistics
import timeit
import tracemalloc
from collections.abc import Callable

import httpx
from kling_api.api.images import get_image_task
from kling_auth import KlingAuth, authenticated_client, sign_token
from kling_spec import load_spec

ACCESS_KEY = "bench-access-key"
SECRET_KEY = "bench-secret-key-0123456789abcdef-0123456789abcdef"  # noqa: S105 - a local fake
BASE_URL = "https://api-singapore.klingai.com"
TASK_ID = "783510947463159851"
BODY = json.dumps(load_spec().examples("getImageTask", 200)["succeed"]).encode()


def _transport() -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=BODY, headers={"content-type": "application/json"})
    )


def _best(function: Callable[[], object], number: int) -> float:
    """Seconds per call: the best of several repeats (the least disturbed by other load)."""
    return min(timeit.repeat(function, number=number, repeat=7)) / number


def _peak_bytes(function: Callable[[], object], calls: int) -> int:
    gc.collect()
    tracemalloc.start()
    for _ in range(calls):
        function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    raw = httpx.Client(base_url=BASE_URL, transport=_transport())
    token = sign_token(ACCESS_KEY, SECRET_KEY)

    def raw_call() -> object:
        response = raw.get(f"/v1/images/generations/{TASK_ID}", headers={"Authorization": f"Bearer {token}"})
        return json.loads(response.content)

    auth = KlingAuth(ACCESS_KEY, SECRET_KEY)
    client = authenticated_client(base_url=BASE_URL, auth=auth, httpx_args={"transport": _transport()})

    def sdk_call() -> object:
        return get_image_task.sync_detailed(client=client, task_id=TASK_ID).parsed

    for warm_up in (raw_call, sdk_call):
        warm_up()

    rounds = [(_best(raw_call, 300), _best(sdk_call, 300)) for _ in range(3)]
    baseline = statistics.median(r for r, _ in rounds)
    sdk = statistics.median(s for _, s in rounds)
    sign = _best(lambda: sign_token(ACCESS_KEY, SECRET_KEY), 2000)
    cached = _best(auth.token, 20000)
    raw_peak = _peak_bytes(raw_call, 2000)
    sdk_peak = _peak_bytes(sdk_call, 2000)

    print(f"query round trip: raw httpx {baseline * 1e6:8.1f} us, generated client + KlingAuth {sdk * 1e6:8.1f} us")
    print(f"  ratio (client / raw httpx): {sdk / baseline:.2f}x")
    print(f"token: sign {sign * 1e6:.1f} us, cached {cached * 1e6:.2f} us; ratio sign / cached: {sign / cached:.0f}x")
    print(f"peak memory over 2,000 polls: raw {raw_peak / 1024:.0f} KiB, client {sdk_peak / 1024:.0f} KiB")
    print(f"  ratio (client / raw httpx): {sdk_peak / max(raw_peak, 1):.2f}x")


if __name__ == "__main__":
    main()
