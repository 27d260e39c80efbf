"""The account: its resource packs going down as tasks are charged, the 1 request a second of GET /account/costs,
and the two ledgers of what was charged (filters, windows, cursors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from kling_auth import DEMO_API_KEY
from kling_emulator import FAULT_HEADER, Emulator
from kling_emulator._constants import PACK_ID, PACK_NAME, PACK_UNITS
from starlette.applications import Starlette

from .conftest import (
    ACCESS_KEY,
    BALANCE,
    COSTS,
    CREATE_BODIES,
    ELEMENTS,
    GENERATIONS,
    MULTI_SHOT,
    OMNI,
    PACKAGE,
    START,
    FakeClock,
    api_client,
    bearer,
)

NOW_MS = int(START * 1000)
DOCUMENTED_PACK = "Video Generation - 10,000 entries"
EVER = {"start_time": 0, "end_time": 4_000_000_000_000}


async def _costs(client: httpx.AsyncClient, clock: FakeClock, **query: Any) -> dict[str, Any]:
    clock.advance(1)  # the publisher asks for at most 1 request a second
    response = await client.get(COSTS, params={**EVER, **query})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    assert (data["code"], data["msg"]) == (0, "success")
    return data


def _packs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {pack["resource_pack_name"]: pack for pack in data["resource_pack_subscribe_infos"]}


async def _create(client: httpx.AsyncClient, path: str = GENERATIONS, **fields: Any) -> str:
    response = await client.post(path, json={**CREATE_BODIES[path], **fields})
    assert response.status_code == 200, response.text
    task_id: str = response.json()["data"]["task_id"]
    return task_id


async def _page(client: httpx.AsyncClient, ledger: str, **body: Any) -> dict[str, Any]:
    response = await client.post(ledger, json=body if "cursor" in body else {**EVER, **body})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    assert data["result"]["count"] == len(data["result"]["detail"])
    return data


# -- GET /account/costs ------------------------------------------------------------------------------------------


async def test_the_image_pack_goes_down_as_tasks_are_charged(client: httpx.AsyncClient, clock: FakeClock) -> None:
    pack = _packs(await _costs(client, clock))[PACK_NAME]
    assert pack == {
        "resource_pack_name": PACK_NAME,
        "resource_pack_id": PACK_ID,
        "resource_pack_type": "decreasing_total",
        "total_quantity": PACK_UNITS,
        "remaining_quantity": PACK_UNITS,
        "purchase_time": NOW_MS,
        "effective_time": NOW_MS,
        "invalid_time": NOW_MS + 365 * 86_400_000,
        "status": "online",
    }

    await _create(client, n=2)  # 16 units
    await _create(client, OMNI, model_name="kling-v3-omni", result_type="series", series_amount="auto")  # 4 x 8
    await _create(client, MULTI_SHOT)  # 20
    await _create(client, ELEMENTS)  # no price
    await client.post(GENERATIONS, json={"prompt": "x", "n": 9}, headers={FAULT_HEADER: "moderation"})  # failed
    assert _packs(await _costs(client, clock))[PACK_NAME]["remaining_quantity"] == PACK_UNITS  # not ended yet

    clock.advance(5)

    assert _packs(await _costs(client, clock))[PACK_NAME]["remaining_quantity"] == PACK_UNITS - 16 - 32 - 20


async def test_packs_are_listed_by_window_and_name(client: httpx.AsyncClient, clock: FakeClock) -> None:
    # The spec's documented answer: its window holds the documented (expired, 2024) pack only.
    documented = await _costs(client, clock, start_time=1726124664368, end_time=1727366400000)
    assert list(_packs(documented)) == [DOCUMENTED_PACK]
    assert _packs(documented)[DOCUMENTED_PACK]["status"] == "expired"
    assert list(_packs(await _costs(client, clock, start_time=NOW_MS, end_time=NOW_MS + 1))) == [PACK_NAME]
    assert sorted(_packs(await _costs(client, clock))) == sorted([PACK_NAME, DOCUMENTED_PACK])
    assert list(_packs(await _costs(client, clock, resource_pack_name=DOCUMENTED_PACK))) == [DOCUMENTED_PACK]
    assert _packs(await _costs(client, clock, resource_pack_name="Image")) == {}
    assert _packs(await _costs(client, clock, start_time=NOW_MS + 1, end_time=NOW_MS)) == {}  # backwards: none


async def test_the_pack_runs_out_and_expires(
    make_app: Callable[..., Starlette], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kling_emulator._account.PACK_UNITS", 10)  # a small pack
    app = make_app()
    async with api_client(app, bearer(clock)) as client:
        await _create(client, n=2)  # 16 units: takes the 10 left
        clock.advance(5)
        pack = _packs(await _costs(client, clock))[PACK_NAME]
        assert (pack["total_quantity"], pack["remaining_quantity"], pack["status"]) == (10, 0, "runOut")
        entry = (await _page(client, PACKAGE))["result"]["detail"][0]
        assert (entry["unit_before_deduction"], entry["deduction_amount"], entry["unit_after_deduction"]) == (10, 10, 0)

    clock.advance(365 * 86_400)
    async with api_client(app, bearer(clock)) as client:
        assert _packs(await _costs(client, clock))[PACK_NAME]["status"] == "expired"


# -- its rate: at most 1 request a second (x-kling-rate-limit) -------------------------------------------------------


async def test_a_second_request_within_the_second_is_429_1302(client: httpx.AsyncClient, clock: FakeClock) -> None:
    assert (await client.get(COSTS, params=EVER)).status_code == 200

    clock.advance(0.4)
    too_fast = await client.get(COSTS, params=EVER)

    assert too_fast.status_code == 429
    assert too_fast.json()["code"] == 1302
    assert too_fast.json()["message"] == "requests too fast: GET /account/costs takes at most 1 request(s) a second"
    assert too_fast.headers["retry-after"] == "1"
    # Other operations have no rate of their own.
    for _ in range(3):
        assert (await client.get(GENERATIONS)).status_code == 200
        assert (await client.post(BALANCE, json=EVER)).status_code == 200
    clock.advance(0.5)
    assert (await client.get(COSTS, params=EVER)).status_code == 429  # 0.9 s after the last one answered
    clock.advance(0.1)
    assert (await client.get(COSTS, params=EVER)).status_code == 200


async def test_only_requests_the_operation_handles_count(client: httpx.AsyncClient) -> None:
    invalid = await client.get(COSTS, params={"start_time": 1})  # no end_time: 400, not counted
    assert (invalid.status_code, invalid.json()["code"]) == (400, 1201)
    anonymous = await client.get(COSTS, params=EVER, headers={"Authorization": ""})  # 401, not counted
    assert anonymous.status_code == 401

    assert (await client.get(COSTS, params=EVER)).status_code == 200


async def test_the_rate_limit_can_be_turned_off_and_reset_restores_it(
    make_app: Callable[..., Starlette], clock: FakeClock
) -> None:
    async with api_client(make_app(qps_limits=False), bearer(clock)) as client:
        for _ in range(5):
            assert (await client.get(COSTS, params=EVER)).status_code == 200

    app = make_app()
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        emulator.reconfigure(qps_limits=False)
        for _ in range(3):
            assert (await client.get(COSTS, params=EVER)).status_code == 200
        emulator.reset()
        assert (await client.get(COSTS, params=EVER)).status_code == 200
        assert (await client.get(COSTS, params=EVER)).status_code == 429


# -- the ledgers ---------------------------------------------------------------------------------------------------


async def test_each_charged_task_is_an_entry_of_both_ledgers(
    make_app: Callable[..., Starlette], clock: FakeClock
) -> None:
    app = make_app(api_keys=[DEMO_API_KEY])
    async with (
        api_client(app, bearer(clock)) as client,
        api_client(app, {"Authorization": f"Bearer {DEMO_API_KEY}"}) as by_key,
    ):
        first = await _create(client, n=2, resolution="2k")
        clock.advance(1)
        second = await _create(by_key, MULTI_SHOT)
        await _create(client, ELEMENTS)  # charged 0: no entry
        await client.post(GENERATIONS, json={"prompt": "x"}, headers={FAULT_HEADER: "moderation"})  # failed: none
        clock.advance(5)

        balance = (await _page(client, BALANCE))["result"]["detail"]
        package = (await _page(client, PACKAGE))["result"]["detail"]

    assert [entry["task_id"] for entry in balance] == [entry["task_id"] for entry in package] == [first, second]
    assert balance[0] == {
        "task_id": first,
        "api_key_name": ACCESS_KEY,  # a JWT's: its access key
        "product_function": "Image Generation",
        "model_name": "kling-v3",
        "resolution": "2k",
        "deduction_time": str(NOW_MS + 5000),  # when it ended
        "cash_type": "balance",
        "balance_before_deduction": 10000.0,
        "deduction_amount": 0.056,
        "balance_after_deduction": 9999.944,
        "list_price": 0.056,
        "currency": "USD",
    }
    assert package[1] == {
        "package_id": PACK_ID,
        "product_type": "image",
        "task_id": second,
        "api_key_name": "api-key",  # an API key's: never the key itself
        "product_function": "AI Multi-Shot",
        "deduction_time": str(NOW_MS + 6000),
        "unit_before_deduction": PACK_UNITS - 16,
        "deduction_amount": 20.0,
        "unit_after_deduction": PACK_UNITS - 36,
    }
    assert balance[1]["balance_before_deduction"] == balance[0]["balance_after_deduction"]


async def test_a_page_is_filtered_by_task_creation_time_and_filters(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    first = await _create(client)
    clock.advance(10)
    second = await _create(client, OMNI)
    clock.advance(10)

    def ids(data: dict[str, Any]) -> list[str]:
        return [entry["task_id"] for entry in data["result"]["detail"]]

    assert ids(await _page(client, PACKAGE, start_time=NOW_MS, end_time=NOW_MS + 5000)) == [first]
    assert ids(await _page(client, BALANCE, start_time=NOW_MS + 5000, end_time=NOW_MS + 20000)) == [second]

    def only(**filters: list[str]) -> list[dict[str, Any]]:
        return [{"key": key, "values": values} for key, values in filters.items()]

    assert ids(await _page(client, PACKAGE, filters=only(product_type=["image"]))) == [first, second]
    assert ids(await _page(client, PACKAGE, filters=only(product_type=["video", "try-on"]))) == []
    assert ids(await _page(client, PACKAGE, filters=only(package_name=[PACK_NAME], api_key_name=[ACCESS_KEY]))) == [
        first,
        second,
    ]
    assert ids(await _page(client, PACKAGE, filters=only(package_id=["other"]))) == []
    assert ids(await _page(client, BALANCE, filters=only(api_key_name=["api-key", "nobody"]))) == []
    # Values of one key are a union; a filter without values filters nothing (the spec's documented request).
    union = [{"key": "api_key_name", "values": ["nobody"]}, {"key": "api_key_name", "values": [ACCESS_KEY]}]
    assert ids(await _page(client, BALANCE, filters=union)) == [first, second]
    assert ids(await _page(client, BALANCE, filters=[{"key": "api_key_name", "values": []}])) == [first, second]


async def test_pages_follow_the_cursor_to_the_end(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = [await _create(client) for _ in range(5)]
    clock.advance(5)

    seen: list[str] = []
    data = await _page(client, BALANCE, limit=2)
    pages = 1
    while True:
        seen += [entry["task_id"] for entry in data["result"]["detail"]]
        if not data["has_more"]:
            assert data["next_cursor"] == ""
            break
        # The cursor overrides every other field (account.md §2): a different window and limit change nothing.
        data = await _page(client, BALANCE, cursor=data["next_cursor"], start_time=1, end_time=2, limit=500)
        pages += 1

    assert seen == created
    assert pages == 3
    whole = await _page(client, BALANCE, limit=0)  # no minimum in the spec: below 1 is the default, 500
    assert whole["result"]["count"] == 5
    assert whole["has_more"] is False


@pytest.mark.parametrize("cursor", ["junk", "e30", "eyJsZWRnZXIiOiJwYWNrYWdlIn0", "=" * 10, "x" * 100_000])
async def test_a_cursor_no_answer_gave_is_refused_naming_it(client: httpx.AsyncClient, cursor: str) -> None:
    response = await client.post(BALANCE, json={"cursor": cursor})

    assert (response.status_code, response.json()["code"]) == (400, 1201)
    assert response.json()["message"].startswith("body.cursor: is not a next_cursor this ledger gave")


async def test_a_cursor_belongs_to_its_ledger(client: httpx.AsyncClient, clock: FakeClock) -> None:
    for _ in range(2):
        await _create(client)
    clock.advance(5)
    cursor = (await _page(client, PACKAGE, limit=1))["next_cursor"]
    assert cursor

    response = await client.post(BALANCE, json={"cursor": cursor})

    assert (response.status_code, response.json()["code"]) == (400, 1201)
    assert (await _page(client, PACKAGE, cursor=cursor))["result"]["count"] == 1


async def test_charges_outlive_their_tasks_within_a_bound(
    make_app: Callable[..., Starlette], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kling_emulator._account.MAX_LEDGER_ENTRIES", 3)
    app = make_app(task_ttl=60)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        created = [await _create(client) for _ in range(5)]
        clock.advance(5)
        await client.get(GENERATIONS)  # they end, and are charged
        clock.advance(120)  # and are forgotten
        assert (await client.get(f"{GENERATIONS}/{created[0]}")).status_code == 400
        assert len(emulator.tasks) == 0

        ledger = await _page(client, PACKAGE)

    # The ledger keeps the last charges, its own bound; the pack counts them all.
    assert [entry["task_id"] for entry in ledger["result"]["detail"]] == created[2:]
    assert emulator.account.remaining_units == PACK_UNITS - 5 * 8


async def test_reset_gives_a_fresh_account(client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock) -> None:
    await _create(client)
    clock.advance(5)
    assert (await _page(client, BALANCE))["result"]["count"] == 1

    emulator.reset()

    assert (await _page(client, BALANCE))["result"]["count"] == 0
    assert _packs(await _costs(client, clock))[PACK_NAME]["remaining_quantity"] == PACK_UNITS
