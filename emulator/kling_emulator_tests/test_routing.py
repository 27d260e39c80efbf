"""Every path reaches the API's own answers: never the web framework's text/plain 404."""

from __future__ import annotations

import httpx
import pytest
from kling_auth import sign_token
from kling_emulator import create_app
from kling_spec import load_spec

from .conftest import ACCESS_KEY, SECRET_KEY

SPEC = load_spec()


@pytest.mark.parametrize(
    ("path", "status", "operation_id"),
    [
        # Found by schemathesis: a newline inside an id stopped Starlette's ".*" path pattern.
        ("/v1/images/generations/%C3%89r%25%0A%F1%85%94%8A", 400, "getImageTask"),
        ("/v1/images/generations/a%0Ab", 400, "getImageTask"),
        ("/v1/images/generations/a%0D%0Ab", 400, "getImageTask"),
        ("/nowhere%0Aat-all", 404, None),
    ],
)
async def test_an_id_with_a_line_break_gets_the_apis_json_answer(
    path: str, status: int, operation_id: str | None
) -> None:
    app = create_app(keys={ACCESS_KEY: SECRET_KEY})
    headers = {"Authorization": f"Bearer {sign_token(ACCESS_KEY, SECRET_KEY)}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://testserver") as client:
        response = await client.get(path, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    if operation_id is not None:
        assert SPEC.response_errors(operation_id, status, body) == []
    assert set(body) >= {"code", "message", "request_id"}
