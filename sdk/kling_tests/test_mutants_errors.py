"""What each error says and carries, word for word: the text a user reads in a traceback and the attributes a
program reads (kills mutmut's survivors in kling._errors; see scripts/mutation.py)."""

from __future__ import annotations

import kling
import pytest
from kling._errors import api_error, error_class_for, is_retryable
from kling_api.models import ImageTask, TaskStatus

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhIn0.c2lnbmF0dXJl"


def test_a_validation_error_names_the_field_and_the_rule() -> None:
    error = kling.ValidationError("n", "must be between 1 and 9")
    assert (error.field, error.rule) == ("n", "must be between 1 and 9")
    assert str(error) == "n: must be between 1 and 9"
    # Without a field, the rule alone.
    bare = kling.ValidationError("", "give a prompt or a reference image")
    assert (bare.field, bare.rule) == ("", "give a prompt or a reference image")
    assert str(bare) == "give a prompt or a reference image"


def test_an_api_error_says_status_code_message_and_request_id() -> None:
    full = kling.InvalidRequestError("bad n", http_status=400, code=1201, request_id="req-1")
    assert str(full) == "HTTP 400, code 1201: bad n (request_id req-1)"
    assert (full.message, full.http_status, full.code, full.request_id) == ("bad n", 400, 1201, "req-1")
    # Without a code or a request id, nothing stands in for them.
    assert str(kling.APIError("teapot", http_status=418)) == "HTTP 418: teapot"
    assert str(kling.APIError("teapot", http_status=418, request_id="")) == "HTTP 418: teapot"


def test_an_api_error_never_repeats_a_token_the_server_echoed() -> None:
    error = kling.AuthenticationError(f"bad token Bearer {TOKEN}", http_status=401, code=1002)
    assert TOKEN not in str(error)
    assert error.message == "bad token [redacted]"


def test_a_malformed_answer_says_so_with_the_start_of_the_body() -> None:
    error = kling.MalformedResponseError(
        "not JSON", http_status=200, body_excerpt="<html>oops", code=5, request_id="req-2"
    )
    assert str(error) == "malformed answer (HTTP 200): not JSON; body starts '<html>oops'"
    assert (error.http_status, error.code, error.request_id, error.body_excerpt) == (200, 5, "req-2", "<html>oops")
    assert error.retryable is False
    plain = kling.MalformedResponseError("empty body", http_status=502)
    assert str(plain) == "malformed answer (HTTP 502): empty body"
    assert plain.body_excerpt == ""
    assert (plain.code, plain.request_id, plain.retryable) == (None, None, False)


def test_a_malformed_answers_excerpt_never_carries_a_token() -> None:
    error = kling.MalformedResponseError("odd", http_status=200, body_excerpt=f'{{"echo": "{TOKEN}"}}')
    assert TOKEN not in str(error)
    assert error.body_excerpt == '{"echo": "[redacted]"}'


def _task(**fields: object) -> ImageTask:
    values: dict[str, object] = {
        "task_id": "t-1",
        "task_status": TaskStatus.FAILED,
        "created_at": 1,
        "updated_at": 2,
        **fields,
    }
    return ImageTask(**values)  # type: ignore[arg-type]


def test_a_failed_task_says_why_or_that_no_reason_was_given() -> None:
    error = kling.TaskFailedError(_task(task_status_msg="Failure to pass the risk control system"))
    assert str(error) == "task t-1 failed: Failure to pass the risk control system"
    assert error.task_id == "t-1"
    assert error.task.task_id == "t-1"
    assert error.task_status_msg == "Failure to pass the risk control system"
    silent = kling.TaskFailedError(_task())
    assert silent.task_status_msg == ""
    assert str(silent) == "task t-1 failed: no reason given"
    empty = kling.TaskFailedError(_task(task_status_msg=""))
    assert str(empty) == "task t-1 failed: no reason given"
    # A null reason that slipped past the parser is not a crash.
    null = kling.TaskFailedError(_task(task_status_msg=None))
    assert null.task_status_msg is None
    assert str(null) == "task t-1 failed: no reason given"


def test_a_failed_tasks_reason_never_repeats_a_token() -> None:
    error = kling.TaskFailedError(_task(task_status_msg=f"rejected Bearer {TOKEN}"))
    assert error.task_status_msg == "rejected [redacted]"
    assert TOKEN not in str(error)


def test_a_wait_timeout_says_the_last_status_and_how_long() -> None:
    error = kling.TaskTimeoutError("t-2", "processing", 299.6)
    assert (error.task_id, error.last_status, error.waited_seconds) == ("t-2", "processing", 299.6)
    assert str(error) == (
        "task t-2 still processing after waiting 300 s (it may still finish: wait for it again, or query it later)"
    )
    unseen = kling.TaskTimeoutError("t-3", None, 5)
    assert str(unseen).startswith("task t-3 still unknown after waiting 5 s (")


def test_a_download_error_names_the_url_and_the_reason() -> None:
    error = kling.DownloadError("https://cdn.example/a.png", "not an image")
    assert (error.url, error.reason) == ("https://cdn.example/a.png", "not an image")
    assert str(error) == "cannot download https://cdn.example/a.png: not an image"


@pytest.mark.parametrize(
    ("status", "code", "cls", "retryable"),
    [
        (500, 1201, kling.ServerError, True),  # any 5xx is the server failing, whatever its code
        (500, None, kling.ServerError, True),
        (499, None, kling.APIError, False),
        (499, 5000, kling.ServerError, True),  # documented code, undocumented status
        (200, 1302, kling.RateLimitError, True),
        (400, 1201, kling.InvalidRequestError, False),
        (400, 9999, kling.InvalidRequestError, False),
        (404, None, kling.NotFoundError, False),
        (429, 9999, kling.APIError, False),
        (429, 1101, kling.AccountError, False),
    ],
)
def test_api_error_picks_the_class_and_the_retry_advice(
    status: int, code: int | None, cls: type[kling.APIError], retryable: bool
) -> None:
    assert error_class_for(status, code) is cls
    assert is_retryable(status, code) is retryable
    error = api_error(status, code, "why", "req-3")
    assert type(error) is cls
    assert (error.http_status, error.code, error.message, error.request_id) == (status, code, "why", "req-3")
    assert error.retryable is retryable
