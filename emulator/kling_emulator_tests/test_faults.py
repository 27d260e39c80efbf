"""Fault injection: per request (the X-Kling-Emulator-Fault header) and per app (seeded probabilities)."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import httpx
import pytest
from kling_emulator import FAULT_HEADER, ConnectionDropped, Fault, FaultConfig, parse_fault_header, run_emulator
from starlette.applications import Starlette

from .conftest import BASE_URL, GENERATIONS, FakeClock, api_client, bearer


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        ("error=5000", 500, 5000),
        ("error=5001", 503, 5001),
        ("error=5002", 504, 5002),
        ("rate_limit", 429, 1302),
        ("error=1102", 429, 1102),
        ("error=1301", 400, 1301),
    ],
)
async def test_injected_errors_answer_the_documented_envelope(
    client: httpx.AsyncClient, header: str, status: int, code: int
) -> None:
    response = await client.post(GENERATIONS, json={"prompt": "a cat"}, headers={FAULT_HEADER: header})

    assert response.status_code == status
    assert response.json()["code"] == code
    assert (await client.get(GENERATIONS)).json()["data"] == []  # nothing was created


async def test_an_unauthenticated_request_gets_its_401_before_an_injected_error(app: Starlette) -> None:
    async with api_client(app) as client:
        response = await client.get(GENERATIONS, headers={FAULT_HEADER: "error=5000"})

    assert response.status_code == 401


async def test_latency_delays_the_answer(client: httpx.AsyncClient) -> None:
    started = time.monotonic()

    response = await client.get(GENERATIONS, headers={FAULT_HEADER: "latency=0.2"})

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.2


async def test_moderation_fails_the_task(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await client.post(GENERATIONS, json={"prompt": "a cat", "n": 2}, headers={FAULT_HEADER: "moderation"})
    assert created.status_code == 200
    task_id = created.json()["data"]["task_id"]

    clock.advance(2)
    assert (await client.get(f"{GENERATIONS}/{task_id}")).json()["data"]["task_status"] == "processing"
    clock.advance(3)
    response = await client.get(f"{GENERATIONS}/{task_id}")

    assert response.status_code == 200  # a failed task is not an HTTP error
    data = response.json()["data"]
    assert data["task_status"] == "failed"
    assert data["task_status_msg"] == "Failure to pass the risk control system"
    assert data["final_unit_deduction"] == "0"
    assert "task_result" not in data
    assert (await client.get(f"/emulator/images/{task_id}/0.png")).status_code == 404


async def test_drop_in_process_raises_a_transport_error(client: httpx.AsyncClient) -> None:
    with pytest.raises(httpx.TransportError) as caught:
        await client.post(GENERATIONS, json={"prompt": "a cat"}, headers={FAULT_HEADER: "drop"})

    assert isinstance(caught.value, ConnectionDropped)
    assert (await client.get(GENERATIONS)).json()["data"] == []  # dropped before anything happened


async def test_drop_after_creates_the_task_then_drops(client: httpx.AsyncClient) -> None:
    body = {"prompt": "a cat", "external_task_id": "ambiguous-1"}
    with pytest.raises(ConnectionDropped):
        await client.post(GENERATIONS, json=body, headers={FAULT_HEADER: "drop=after"})

    # The client cannot know whether it worked: reconciling by external_task_id tells it.
    response = await client.get(f"{GENERATIONS}/ambiguous-1")
    assert response.status_code == 200
    assert response.json()["data"]["task_info"] == {"external_task_id": "ambiguous-1"}


def test_drop_over_a_real_socket_is_a_transport_error() -> None:
    from .conftest import ACCESS_KEY, SECRET_KEY

    with (
        run_emulator(keys={ACCESS_KEY: SECRET_KEY}) as base_url,
        httpx.Client(base_url=base_url, headers=bearer(), trust_env=False) as http,
    ):
        with pytest.raises(httpx.TransportError):
            http.get(GENERATIONS, headers={FAULT_HEADER: "drop"})
        # The server survives it.
        assert http.get(GENERATIONS).status_code == 200


@pytest.mark.parametrize("status", [502, 503])
async def test_html_answers_a_gateway_page_without_reaching_the_api(
    app: Starlette, client: httpx.AsyncClient, clock: FakeClock, status: int
) -> None:
    # Deliberately not the spec's answer: sent without the spec check every other answer goes through.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL, headers=bearer(clock)) as raw:
        response = await raw.post(GENERATIONS, json={"prompt": "a cat"}, headers={FAULT_HEADER: f"html={status}"})

    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<html>")
    assert (await client.get(GENERATIONS)).json()["data"] == []  # the gateway never passed it on


async def test_stall_creates_the_task_then_answers_late() -> None:
    # A real clock for the stall itself; the store is checked while the answer is still held back.
    from kling_emulator import create_app

    from .conftest import ACCESS_KEY, SECRET_KEY

    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, tick_interval=None)
    body = {"prompt": "a cat", "external_task_id": "stalled-1"}
    answers: list[httpx.Response] = []
    seen_while_pending = False
    async with api_client(app, bearer()) as client:

        async def post() -> None:
            answers.append(await client.post(GENERATIONS, json=body, headers={FAULT_HEADER: "stall=0.3"}))

        async with anyio.create_task_group() as group:
            group.start_soon(post)
            for _ in range(100):
                await anyio.sleep(0.01)
                if app.state.emulator.tasks.get("stalled-1", now=time.time()) is not None:
                    seen_while_pending = not answers
                    break

    assert seen_while_pending, "the task must exist while the answer is still held back"
    assert answers[0].json()["data"]["task_info"] == {"external_task_id": "stalled-1"}


def test_a_client_gone_during_latency_leaves_no_error_behind() -> None:
    # A client whose read timeout fires during injected latency is gone when its request is read: the
    # server has nobody to answer, and nothing to report as a failure of its own.
    import logging

    from .conftest import ACCESS_KEY, SECRET_KEY

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.ERROR)
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    handler = Collect()
    errors = handler.records
    with run_emulator(keys={ACCESS_KEY: SECRET_KEY}) as base_url:
        logging.getLogger("uvicorn.error").addHandler(handler)
        try:
            with (
                httpx.Client(base_url=base_url, headers=bearer(), trust_env=False, timeout=0.05) as http,
                pytest.raises(httpx.ReadTimeout),
            ):
                http.get(GENERATIONS, headers={FAULT_HEADER: "latency=0.2"})
            time.sleep(0.3)  # the server's side of it ends after the latency
        finally:
            logging.getLogger("uvicorn.error").removeHandler(handler)

    assert [record.getMessage() for record in errors] == []


@pytest.mark.parametrize(
    "header",
    [
        "explode",
        "latency",
        "latency=soon",
        "latency=-1",
        "latency=31",
        "latency=nan",
        "stall=inf",
        "stall",
        "html",
        "html=404",
        "html=5xx",
        "error",
        "error=418",
        "error=0",
        "drop=later",
    ],
)
async def test_a_malformed_fault_header_names_the_header(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get(GENERATIONS, headers={FAULT_HEADER: header})

    assert response.status_code == 400
    assert response.json()["code"] == 1201
    assert response.json()["message"].startswith(f"header.{FAULT_HEADER}:")


def test_the_header_syntax() -> None:
    assert parse_fault_header("latency=0.5, error=5001") == Fault(latency=0.5, error=5001)
    assert parse_fault_header(" rate_limit ,moderation") == Fault(error=1302, moderation=True)
    assert parse_fault_header("drop") == Fault(drop="before")
    assert parse_fault_header("drop=after") == Fault(drop="after")
    assert parse_fault_header("") == Fault()
    assert parse_fault_header("html=503") == Fault(html=503)
    assert parse_fault_header("stall=1.5, drop=after") == Fault(stall=1.5, drop="after")


async def _outcomes(app: Starlette, count: int) -> list[int]:
    async with api_client(app, bearer()) as client:
        outcomes = []
        for _ in range(count):
            try:
                outcomes.append((await client.get(GENERATIONS)).status_code)
            except ConnectionDropped:
                outcomes.append(0)
        return outcomes


async def test_app_faults_are_probabilistic_and_reproducible(make_app: Callable[..., Starlette]) -> None:
    faults = FaultConfig(error_rate=0.3, rate_limit_rate=0.2, drop_rate=0.1, seed=7)
    import time as real_time

    first = await _outcomes(make_app(faults=faults, clock=real_time.time), 60)
    second = await _outcomes(make_app(faults=faults, clock=real_time.time), 60)

    assert first == second  # same seed, same faults
    assert {0, 200, 429} <= set(first)
    assert set(first) & {500, 503, 504}
    assert first.count(200) < 60
    other_seed = FaultConfig(error_rate=0.3, rate_limit_rate=0.2, drop_rate=0.1, seed=8)
    assert await _outcomes(make_app(faults=other_seed, clock=real_time.time), 60) != first


async def test_app_moderation_rate_fails_tasks(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(faults=FaultConfig(moderation_rate=1.0), slots=50)
    async with api_client(app, bearer(clock)) as client:
        ids = [(await client.post(GENERATIONS, json={"prompt": "x"})).json()["data"]["task_id"] for _ in range(3)]
        clock.advance(5)
        statuses = [(await client.get(f"{GENERATIONS}/{i}")).json()["data"]["task_status"] for i in ids]

    assert statuses == ["failed"] * 3


async def test_app_latency_applies_to_every_request(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    async with api_client(make_app(faults=FaultConfig(latency=0.1)), bearer(clock)) as client:
        started = time.monotonic()
        await client.get(GENERATIONS)

    assert time.monotonic() - started >= 0.1


@pytest.mark.parametrize(
    "options",
    [{"error_rate": 1.5}, {"drop_rate": -0.1}, {"latency": -1}, {"error_codes": (418,)}, {"error_codes": ()}],
)
def test_fault_config_is_validated(options: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        FaultConfig(**options)  # type: ignore[arg-type]
