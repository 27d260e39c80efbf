"""Every answer is the documented envelope and validates against the spec (checked for all tests by
the client's response hook; here a sweep over every kind of answer, and the checker itself)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from kling_emulator import FAULT_HEADER
from starlette.applications import Starlette

from .conftest import GENERATIONS, FakeClock, SpecCheck, api_client, bearer, spec_errors


async def test_every_kind_of_answer_matches_the_spec(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(slots=1)
    async with api_client(app, bearer(clock)) as client:
        hook = client.event_hooks["response"][0]
        assert isinstance(hook, SpecCheck)
        created = await client.post(GENERATIONS, json={"prompt": "a cat", "watermark_info": {"enabled": True}})
        task_id = created.json()["data"]["task_id"]
        answers = [
            created,
            await client.post(GENERATIONS, json={"prompt": "a cat"}),  # 429/1303
            await client.get(f"{GENERATIONS}/{task_id}"),  # submitted
            await client.get(GENERATIONS),
            await client.post(GENERATIONS, json={"prompt": 3}),  # 400/1201
            await client.post(GENERATIONS, content=b"[", headers={"content-type": "application/json"}),  # 1200
            await client.get(f"{GENERATIONS}/unknown"),  # 400/1201
            await client.put(GENERATIONS),  # 404/1202
            await client.get("/v2/else"),  # 404/1203
            await client.get(GENERATIONS, headers={"Authorization": ""}),  # 401/1001
            await client.get(GENERATIONS, headers={FAULT_HEADER: "rate_limit"}),
            await client.get(GENERATIONS, headers={FAULT_HEADER: "error=5000"}),
            await client.get(GENERATIONS, headers={FAULT_HEADER: "error=5001"}),
            await client.get(GENERATIONS, headers={FAULT_HEADER: "error=5002"}),
            await client.get(GENERATIONS, headers={FAULT_HEADER: "error=1103"}),
            await client.get(GENERATIONS, headers={FAULT_HEADER: "bogus"}),
            await client.get(f"/emulator/images/{task_id}/0.png"),  # not ready: error envelope
        ]
        clock.advance(2)
        answers.append(await client.get(f"{GENERATIONS}/{task_id}"))  # processing
        clock.advance(3)
        answers.append(await client.get(f"{GENERATIONS}/{task_id}"))  # succeed, with watermarks
        answers.append(await client.get(GENERATIONS))

    statuses = {answer.status_code for answer in answers}
    assert statuses == {200, 400, 401, 403, 404, 429, 500, 503, 504}
    assert hook.checked == len(answers)
    request_ids = [answer.json()["request_id"] for answer in answers]
    assert len(set(request_ids)) == len(answers)
    assert all(uuid.UUID(request_id) for request_id in request_ids)
    for answer in answers:
        body = answer.json()
        assert set(body) == {"code", "message", "request_id", "data"}
        assert (body["code"] == 0) == (answer.status_code == 200)
        if answer.status_code == 200:
            assert body["message"] == "SUCCEED"
        else:
            assert body["data"] is None


def _response(method: str, path: str, status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request(method, f"http://testserver{path}"))


def test_the_spec_check_catches_broken_answers() -> None:
    good = {"code": 0, "message": "SUCCEED", "request_id": "r", "data": []}
    assert spec_errors(_response("GET", GENERATIONS, 200, good)) == []

    assert spec_errors(_response("GET", GENERATIONS, 200, {"code": 0, "message": "SUCCEED", "data": []}))
    assert spec_errors(_response("GET", GENERATIONS, 200, {**good, "data": [{"task_id": 1}]}))
    assert spec_errors(_response("GET", GENERATIONS, 418, good))  # an undocumented status
    assert spec_errors(_response("DELETE", GENERATIONS, 404, {"code": 1202, "message": "m"}))
    assert spec_errors(httpx.Response(200, text="hi", request=httpx.Request("GET", "http://testserver/v1/x")))
