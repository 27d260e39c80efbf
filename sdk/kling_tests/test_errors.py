"""The error tree: every documented code maps to the right class, through the SDK as a user meets it."""

from __future__ import annotations

import re
from collections.abc import Callable

import kling
import kling_auth
import pytest
from kling._errors import CODE_TO_ERROR, api_error, error_class_for

from contract_tests.spec_mock import SpecMock

from ._helpers import GET_TASK, SPEC, AnyKling, call, checked, error_body

_ROW = re.compile(r"^\|\s*(\d{3})\s*\|\s*(\d{4})\s*\|([^|]*)\|([^|]*)\|\s*$")


def documented_codes() -> list[tuple[int, int, str, str]]:
    """(HTTP status, code, meaning, what the caller should do) from the ErrorResponse table of the spec."""
    description = SPEC.document["components"]["schemas"]["ErrorResponse"]["description"]
    rows = [_ROW.match(line.strip()) for line in description.splitlines()]
    table = [(int(m[1]), int(m[2]), m[3].strip(), m[4].strip()) for m in rows if m is not None]
    assert len(table) >= 20, "the spec's error table could not be read"
    return table


TABLE = documented_codes()

# Which classes each HTTP status may map to (the families of the docstring tree).
FAMILIES: dict[int, set[type[kling.APIError]]] = {
    400: {kling.InvalidRequestError, kling.ContentPolicyError},
    401: {kling.AuthenticationError},
    403: {kling.PermissionDeniedError},
    404: {kling.NotFoundError},
    429: {kling.AccountError, kling.PermissionDeniedError, kling.RateLimitError},
    500: {kling.ServerError},
    503: {kling.ServerError},
    504: {kling.ServerError},
}


# The agreed tree (briefs' common.md and the _errors docstring), written out independently of the code.
AGREED: dict[type[kling.APIError], set[int]] = {
    kling.AuthenticationError: {1000, 1001, 1002, 1003, 1004},
    kling.AccountError: {1100, 1101, 1102},
    kling.PermissionDeniedError: {1103, 1304},
    kling.InvalidRequestError: {1200, 1201},
    kling.NotFoundError: {1202, 1203},
    kling.ContentPolicyError: {1300, 1301},
    kling.RateLimitError: {1302, 1303},
    kling.ServerError: {5000, 5001, 5002},
}


def test_the_map_covers_exactly_the_documented_codes() -> None:
    assert set(CODE_TO_ERROR) == {code for _, code, _, _ in TABLE}


@pytest.mark.parametrize(("status", "code", "meaning", "advice"), TABLE, ids=[str(row[1]) for row in TABLE])
def test_each_documented_code_maps_to_its_family_and_retry_advice(
    status: int, code: int, meaning: str, advice: str
) -> None:
    error = api_error(status, code, meaning, "rid")
    assert type(error) is CODE_TO_ERROR[code]
    assert [cls for cls, codes in AGREED.items() if code in codes] == [type(error)]
    # The class's own default agrees with the table (RateLimitError and ServerError are the retryable ones).
    assert type(error).retryable is error.retryable
    assert type(error) in FAMILIES[status]
    # "retry later" means retry; "not retryable" and "wait, or re-sign" do not.
    assert error.retryable is bool(re.search(r"\bretry\b", advice)), advice
    assert (error.http_status, error.code, error.message, error.request_id) == (status, code, meaning, "rid")


@pytest.mark.parametrize(("status", "code", "meaning", "advice"), TABLE, ids=[str(row[1]) for row in TABLE])
async def test_each_documented_code_raises_its_class_through_the_client(
    make: Callable[..., AnyKling], mock: SpecMock, status: int, code: int, meaning: str, advice: str
) -> None:
    client = make(max_retries=0)
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(
        return_value=checked(GET_TASK, status, error_body(code, meaning))
    )
    with pytest.raises(CODE_TO_ERROR[code]) as raised:
        await call(client.images.get("783510947463159851"))
    error = raised.value
    assert (error.http_status, error.code, error.message) == (status, code, meaning)
    assert error.request_id == "3a8f6c2e-9d1b-4e7a-a4c5-2b9e7d1f6a99"
    assert str(code) in str(error)
    assert error.request_id in str(error)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, kling.InvalidRequestError),
        (401, kling.AuthenticationError),
        (403, kling.PermissionDeniedError),
        (404, kling.NotFoundError),
        (429, kling.APIError),  # that status mixes account, permission and rate families: no guess
        (500, kling.ServerError),
        (503, kling.ServerError),
        (418, kling.APIError),
    ],
)
def test_an_unknown_code_maps_by_http_status(status: int, expected: type[kling.APIError]) -> None:
    assert error_class_for(status, 1999) is expected
    assert api_error(status, 1999, "new", None).retryable is (status >= 500)


def test_a_5xx_is_a_retryable_server_error_whatever_its_code() -> None:
    error = api_error(502, 1201, "odd", None)
    assert type(error) is kling.ServerError
    assert error.retryable


def test_missing_keys_are_a_kling_error_and_still_the_auth_plugins_error() -> None:
    with pytest.raises(kling.MissingCredentialsError) as raised:
        kling.Kling()
    assert isinstance(raised.value, kling.KlingError)
    assert isinstance(raised.value, kling_auth.MissingCredentialsError)
    assert isinstance(raised.value, ValueError)
    assert "KLING_SECRET_KEY" in str(raised.value)


def test_task_errors_carry_what_the_caller_needs() -> None:
    from kling_api.models import ImageTask

    from ._helpers import example

    failed = ImageTask.from_dict(example(GET_TASK, 200, "failed")["data"])
    error = kling.TaskFailedError(failed)
    assert (error.task_id, error.task, error.task_status_msg) == (
        failed.task_id,
        failed,
        "Failure to pass the risk control system",
    )
    assert "risk control" in str(error)
    timeout = kling.TaskTimeoutError("t1", "processing", 600.0)
    assert (timeout.task_id, timeout.last_status) == ("t1", "processing")
    assert isinstance(timeout, kling.TaskError)
    assert "processing" in str(timeout)


def test_the_tree_is_written_out_in_the_module_docstring() -> None:
    import kling._errors as module

    doc = module.__doc__ or ""
    public = [name for name in kling.__all__ if name.endswith("Error")]
    assert public
    for name in public:
        assert name in doc, name
