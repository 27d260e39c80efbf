"""The secret key and every token stay out of exception messages, reprs, logs and files.

Two halves. The session guard (testsupport/secret_guard.py, loaded by the root conftest.py) searches every
log record and every file the suite writes; its own behaviour is tested here with a private guard. And one
walk over the exception classes of the SDK and the auth plugin: each is raised through a real flow in which
the server (a misconfigured proxy) echoes the request's token wherever it can, and none may repeat the token
or the secret in its message, repr, args or the exceptions chained to it; the clients' reprs likewise.
"""

from __future__ import annotations

import base64
import inspect
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import kling
import kling_auth
import pytest
import standardwebhooks
from kling import _errors as sdk_errors
from kling.cli._config import Keys
from kling_api.models import ImageTask
from kling_auth import _exceptions as auth_errors
from kling_spec import load_spec

from testsupport.secret_guard import SESSION_GUARD, Guard, listening, register_secret

SPEC = load_spec()
ACCESS_KEY = "secrets-test-access-key"
SECRET_KEY = "secrets-test-secret-key-0123456789abcdef"
SECRETS_API_KEY = "secrets-test-api-key-0123456789abcdef"
SECRETS_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"secrets-test-webhook-key-0123456789").decode()
BASE_URL = "https://api-singapore.klingai.com"
TASK_ID = "783510947463159851"
#: Not named like a secret: only the private guards below may know it (the session guard would fail the run).
PLANTED = "planted-value-only-a-private-guard-knows"


# -- the session guard, tested with a private one ------------------------------------------------------------------


def test_a_leak_in_a_pytest_xdist_worker_fails_the_run(tmp_path: Path) -> None:
    """make test runs the suite on two workers: what a worker's guard finds reaches the controller."""
    leaky = "guard-xdist-planted-" + "x" * 24
    (tmp_path / "test_leak.py").write_text(
        "import logging\n"
        "from testsupport.secret_guard import register_secret\n\n"
        "def test_leak() -> None:\n"
        f"    register_secret({leaky!r})\n"
        f"    logging.getLogger('app').warning({leaky!r})\n"
    )
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "-p",
            "testsupport.secret_guard",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:kling",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stdout[-2000:]
    assert "secret guard: 1 secret(s) or token(s) in logs or files" in run.stdout
    assert "1 passed" in run.stdout
    assert leaky not in run.stdout + run.stderr  # named, never quoted whole


def test_the_session_guard_knows_the_suites_secret_keys() -> None:
    from testsupport import spec_mock

    assert {SECRET_KEY, spec_mock.SECRET_KEY, kling_auth.DEMO_SECRET_KEY} <= SESSION_GUARD.secrets
    assert "KLING_SECRET_KEY" not in SESSION_GUARD.secrets  # a variable's name, not a secret


def test_register_secret_adds_to_the_session_guard() -> None:
    register_secret("registered-by-a-test-0123456789")
    assert "registered-by-a-test-0123456789" in SESSION_GUARD.secrets


def test_a_debug_record_of_a_quiet_logger_is_seen_and_handlers_see_what_they_did() -> None:
    logger = logging.getLogger("secrets-test.quiet")
    logger.setLevel(logging.WARNING)
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    guard = Guard()
    guard.add_secret(PLANTED)
    try:
        with listening(guard):
            logger.debug("the key is %s", PLANTED)
            logger.warning("nothing to see")
    finally:
        logger.removeHandler(handler)
    assert guard.findings == [
        f"log secrets-test.quiet DEBUG in (outside any test): secret key {PLANTED[:6]}...({len(PLANTED)} chars)"
    ]
    assert seen == ["nothing to see"]  # the DEBUG record never reached the handler, as without the guard
    assert guard.records_seen == 2


def test_a_secret_in_an_exception_logged_is_seen() -> None:
    guard = Guard()
    guard.add_secret(PLANTED)
    with listening(guard):
        try:
            raise ValueError(PLANTED)
        except ValueError:
            logging.getLogger("secrets-test.exc").debug("failed", exc_info=True)
    assert len(guard.findings) == 1


def test_tokens_are_found_by_shape_and_secrets_never_quoted_whole() -> None:
    guard = Guard()
    guard.add_secret(PLANTED)
    token = jwt.encode({"iss": "x"}, "k" * 32, algorithm="HS256")
    leaks = guard.leaks(f"Bearer {token} and {PLANTED} and eyJ-alone and [redacted]")
    assert len(leaks) == 2
    assert all(PLANTED not in leak and token not in leak for leak in leaks)


def test_files_are_searched_for_secrets_and_tokens() -> None:
    guard = Guard()
    guard.add_secret(PLANTED)
    token = jwt.encode({"iss": "x"}, "k" * 32, algorithm="HS256")
    # Outside tmp_path on purpose: the session guard reads those at the end.
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "sub").mkdir()
        (root / "sub" / "a.log").write_bytes(b"...\x00" + PLANTED.encode() + b"\xff")
        (root / "b.json").write_text(json.dumps({"token": token}))
        (root / "clean.txt").write_text("nothing here")
        guard.check_files(root)
    assert sorted(Path(finding.split(": ")[0].removeprefix("file ")).name for finding in guard.findings) == [
        "a.log",
        "b.json",
    ]


# -- exceptions and reprs ---------------------------------------------------------------------------------------------


class Echo:
    """A server behind a proxy that repeats the request's Authorization header in whatever it answers."""

    def __init__(self, answer: Callable[[str], httpx.Response]) -> None:
        self.answer = answer
        self.tokens: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        header = request.headers.get("authorization", "")
        self.tokens.append(header.removeprefix("Bearer "))
        return self.answer(header)


def _envelope(code: int, message: str) -> bytes:
    return json.dumps({"code": code, "message": message, "request_id": "req-1", "data": None}).encode()


def _task(status: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(SPEC.examples("getImageTask", 200)["succeed"]))
    body["data"].update(task_status=status, **fields)
    return body


def _raise(error: BaseException) -> Callable[[str], httpx.Response]:
    def answer(header: str) -> httpx.Response:
        raise type(error)(f"{error} {header}")

    return answer


API_CASES: list[tuple[int, int]] = [
    (401, 1004),
    (429, 1101),
    (403, 1103),
    (400, 1201),
    (404, 1203),
    (400, 1301),
    (429, 1302),
    (500, 5000),
    (418, 1999),
]


def _api_answer(status: int, code: int) -> Callable[[str], httpx.Response]:
    def answer(header: str) -> httpx.Response:
        return httpx.Response(status, content=_envelope(code, f"seen {header}"))

    return answer


def _flows() -> Iterator[tuple[str, Callable[[str], httpx.Response], Callable[[kling.Kling], object]]]:
    get: Callable[[kling.Kling], object] = lambda client: client.images.get(TASK_ID)  # noqa: E731
    for status, code in API_CASES:
        yield f"api {status}/{code}", _api_answer(status, code), get
    yield "html 502", lambda header: httpx.Response(502, content=f"<html>{header}</html>".encode()), get
    yield "html 400", lambda header: httpx.Response(400, content=f"<html>{header}</html>".encode()), get
    yield (
        "malformed",
        lambda header: httpx.Response(200, json={**_task("succeed"), "data": {"task_id": header, "task_status": 7}}),
        get,
    )
    yield (
        "too large",
        lambda header: httpx.Response(
            200, content=f"{header} ".encode() * 2, headers={"Content-Length": str(kling_auth.MAX_ANSWER_BYTES + 1)}
        ),
        get,
    )
    yield "connect", _raise(httpx.ConnectError("refused")), get
    yield "timeout", _raise(httpx.ReadTimeout("slow")), get
    yield (
        "task failed",
        lambda header: httpx.Response(200, json=_task("failed", task_status_msg=f"moderated {header}")),
        lambda client: client.images.wait(TASK_ID),
    )
    yield (
        "task timeout",
        lambda header: httpx.Response(200, json=_task("processing")),
        lambda client: client.images.wait(TASK_ID, deadline=0.001),
    )
    yield "validation", lambda header: httpx.Response(500), lambda client: client.images.create("x", n=10)


def _download_flow(tmp_path: Path) -> BaseException:
    # Not a JWT: httpx itself logs the URLs it requests (at INFO), and the session guard reads that log.
    signature = "planted-url-signature-0123456789"
    body = _task("succeed")
    body["data"]["task_result"] = {"images": [{"index": 0, "url": f"https://cdn.example/0.png?sig={signature}"}]}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, content=f"<html>{request.url}</html>".encode())

    with (
        kling.Kling(ACCESS_KEY, SECRET_KEY, httpx_args={"transport": httpx.MockTransport(answer)}) as client,
        pytest.raises(kling.DownloadError) as caught,
    ):
        client.images.download(ImageTask.from_dict(body["data"]), tmp_path)
    assert signature not in str(caught.value)
    return caught.value


def _auth_flows() -> Iterator[BaseException]:
    token = kling_auth.sign_token(ACCESS_KEY, SECRET_KEY, now=1_000_000)
    tries: list[Callable[[], object]] = [
        lambda: kling_auth.verify_token(token, SECRET_KEY, now=2_000_000),  # expired
        lambda: kling_auth.verify_token(token, SECRET_KEY, now=0),  # not yet valid
        lambda: kling_auth.verify_token(token, "another-secret-key-0123456789abcdef", now=1_000_000),
        lambda: kling_auth.verify_token(token, SECRET_KEY, access_key="someone-else", now=1_000_000),
        lambda: kling_auth.verify_token(token[:-3] + "!!!", SECRET_KEY),
        lambda: kling_auth.verify_token(jwt.encode({"iss": token}, SECRET_KEY, algorithm="HS512"), SECRET_KEY),
        lambda: kling_auth.verify_authorization(f"Bearer  {token}", SECRET_KEY),
        lambda: kling_auth.verify_authorization("", SECRET_KEY),
        lambda: kling_auth.KlingAuth(ACCESS_KEY, f" {SECRET_KEY}"),
        lambda: kling.Kling(ACCESS_KEY, ""),
        lambda: kling.Kling(api_key=f" {SECRETS_API_KEY} "),
        lambda: kling.Kling(api_key=SECRETS_API_KEY + "\n"),
    ]
    for attempt in tries:
        try:
            attempt()
        except Exception as error:
            yield error
        else:
            raise AssertionError("expected a refusal")


def _webhook_flows() -> Iterator[BaseException]:
    """Every refusal of a signed callback: none may repeat the webhook secret, its key or a signature made with it."""
    body = json.dumps({"task_id": TASK_ID, "task_status": "succeed", "created_at": 1, "updated_at": 2})
    now = int(time.time())
    good = standardwebhooks.Webhook(SECRETS_WEBHOOK_SECRET).sign("msg-1", datetime.fromtimestamp(now, tz=UTC), body)
    signed = {"webhook-id": "msg-1", "webhook-timestamp": str(now), "webhook-signature": good}
    tries: list[dict[str, Any]] = [
        {"headers": {**signed, "webhook-signature": "v1," + "A" * 43 + "="}},  # no signature matches
        {"headers": {**signed, "webhook-timestamp": str(now - 3600)}},  # stale
        {"headers": {key: value for key, value in signed.items() if key != "webhook-id"}},  # a header missing
        {"headers": signed, "body": body.replace("succeed", "failed")},  # tampered
        {"headers": signed, "secret": SECRETS_WEBHOOK_SECRET[:-4] + "!!!!"},  # not Base64: the secret's own check
    ]
    for attempt in tries:
        with pytest.raises(kling.KlingError) as caught:
            kling.parse_callback(
                attempt.get("body", body),
                headers=attempt["headers"],
                secret=attempt.get("secret", SECRETS_WEBHOOK_SECRET),
            )
        assert good.removeprefix("v1,") not in "".join(_texts(caught.value))
        yield caught.value


def _texts(error: BaseException) -> Iterator[str]:
    """What a user may see of an error: message, repr, args and attributes (the raw body and task aside), and
    the message of every exception of ours chained to it (what a traceback prints). Chained exceptions of other
    libraries (httpx, json) are theirs: a transport that quotes a token in its own error is not ours to edit."""
    yield from (repr(value) for name, value in vars(error).items() if name not in ("content", "task"))
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__module__.split(".")[0] in ("kling", "kling_auth", "kling_api"):
            yield str(current)
            yield repr(current)
            yield from (repr(arg) for arg in current.args)
        current = current.__cause__ or current.__context__


def _assert_clean(what: str, texts: Iterator[str], tokens: list[str]) -> None:
    for text in texts:
        assert SECRET_KEY not in text, what
        assert SECRETS_API_KEY not in text, what
        assert SECRETS_WEBHOOK_SECRET not in text, what
        assert SECRETS_WEBHOOK_SECRET.removeprefix("whsec_") not in text, what
        for token in tokens:
            assert token not in text, what
            assert token.split(".")[2] not in text, what  # not even the signature
        assert not any(part.startswith("eyJ") and "." in part for part in text.split()), (what, text[:200])


def _leaf_classes(module: Any, base: type[BaseException]) -> set[type[BaseException]]:
    classes = {
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, base) and cls.__module__ == module.__name__
    }
    return {cls for cls in classes if not any(other is not cls and issubclass(other, cls) for other in classes)}


def test_no_exception_of_the_sdk_or_the_auth_plugin_repeats_a_token_or_the_secret(tmp_path: Path) -> None:
    raised: list[BaseException] = []
    tokens: list[str] = []
    for name, answer, action in _flows():
        echo = Echo(answer)
        transport = httpx.MockTransport(echo.handle)
        with kling.Kling(ACCESS_KEY, SECRET_KEY, httpx_args={"transport": transport}, max_retries=0) as client:
            client._timing.sleep = lambda seconds: None
            with pytest.raises(kling.KlingError) as caught:
                action(client)
        tokens.extend(echo.tokens)
        raised.append(caught.value)
        _assert_clean(name, _texts(caught.value), echo.tokens)
    raised.append(_download_flow(tmp_path))
    raised.extend(_auth_flows())
    raised.extend(_webhook_flows())
    tokens.append(kling_auth.sign_token(ACCESS_KEY, SECRET_KEY, now=1_000_000))
    for error in raised:
        _assert_clean(type(error).__name__, _texts(error), tokens)

    # Every kind of error the two packages define was among them: a new class joins this walk or fails it.
    kinds = {type(error) for error in raised} | {base for error in raised for base in type(error).__mro__}
    expected = _leaf_classes(sdk_errors, kling.KlingError) | _leaf_classes(auth_errors, kling_auth.KlingAuthError)
    assert expected - kinds == set()


async def test_client_reprs_name_no_secret() -> None:
    token = kling_auth.sign_token(ACCESS_KEY, SECRET_KEY)
    auth = kling_auth.KlingAuth(ACCESS_KEY, SECRET_KEY)
    auth.token()
    async with kling.AsyncKling(ACCESS_KEY, SECRET_KEY) as async_client:
        with kling.Kling(ACCESS_KEY, SECRET_KEY) as client, kling.Kling(api_key=SECRETS_API_KEY) as key_client:
            shown = [
                repr(client),
                repr(client.images),
                repr(async_client),
                repr(async_client.images),
                repr(key_client),
                repr(key_client.images),
                str(vars(key_client)),
                repr(auth),
                repr(kling_auth.APIKeyAuth(SECRETS_API_KEY)),
                repr(kling_auth.resolve_credentials(ACCESS_KEY, SECRET_KEY)),
                repr(Keys(ACCESS_KEY, SECRET_KEY)),
                repr(Keys(api_key=SECRETS_API_KEY)),
                str(vars(client)),
                str(vars(async_client)),
            ]
    for text in shown:
        assert SECRET_KEY not in text
        assert SECRETS_API_KEY not in text
        assert token.split(".")[2] not in text
        assert "eyJ" not in text
