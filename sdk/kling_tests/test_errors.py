"""The error tree: every documented code maps to its family's class, retried as the spec says, through the SDK as a
user meets it; and what each error says and carries, word for word: the text a user reads in a traceback and the
attributes a program reads.

The codes, their HTTP statuses, families and retry advice are data in the spec (``x-kling-errors``), read through
``kling_spec``: these tests check that the SDK derives its classes and ``retryable`` from that data (and follows it
when it changes), and that the docstrings written for people (the module's tree, the classes' own) say what the
data says. Nothing here restates the table.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Callable, Mapping

import kling
import kling._errors
import kling_auth
import pytest
from kling._errors import _FAMILY_CLASSES, api_error, derive_error_maps, error_class_for, is_retryable
from kling_api.models import ImageTask, TaskStatus
from kling_spec import DocumentedError, Spec, documented_errors, error_families

from testsupport.spec_mock import SpecMock

from ._helpers import GET_TASK, SPEC, AnyKling, call, checked, error_body, example

TABLE = documented_errors()
ROWS = list(TABLE.values())
IDS = [str(row.code) for row in ROWS]
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhIn0.c2lnbmF0dXJl"


def codes_of(cls: type[kling.APIError], table: Mapping[int, DocumentedError] = TABLE) -> set[int]:
    return {code for code, row in table.items() if _FAMILY_CLASSES[row.family] is cls}


def family_retryable(cls: type[kling.APIError]) -> bool:
    """What the class's default ``retryable`` must be: every documented code of its family is retryable."""
    return all(TABLE[code].retryable for code in codes_of(cls))


# -- the spec's table: a class per family, the retry advice, read at the first error ---------------------------


def test_each_family_of_the_spec_has_a_class_of_its_own() -> None:
    assert set(_FAMILY_CLASSES) == set(error_families())
    assert len(set(_FAMILY_CLASSES.values())) == len(_FAMILY_CLASSES)
    assert all(issubclass(cls, kling.APIError) and cls.__name__ in kling.__all__ for cls in _FAMILY_CLASSES.values())


def test_the_map_covers_exactly_the_documented_codes() -> None:
    maps = derive_error_maps(TABLE)
    assert set(maps.code_to_error) == set(TABLE)
    assert maps.retryable_codes == {code for code, row in TABLE.items() if row.retryable}
    # Not vacuous: the table has retryable codes and others, and the classes differ in their default.
    assert maps.retryable_codes
    assert maps.retryable_codes != set(TABLE)
    assert kling.RateLimitError.retryable is family_retryable(kling.RateLimitError) is True
    assert kling.AccountError.retryable is family_retryable(kling.AccountError) is False


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_each_documented_code_maps_to_its_family_and_retry_advice(row: DocumentedError) -> None:
    error = api_error(row.status, row.code, row.meaning, "rid")
    assert type(error) is _FAMILY_CLASSES[row.family]
    assert error.retryable is row.retryable
    # The class's own default: retryable when every code of its family is (RateLimitError, ServerError).
    assert type(error).retryable is family_retryable(type(error))
    assert (error.http_status, error.code, error.message, error.request_id) == (
        row.status,
        row.code,
        row.meaning,
        "rid",
    )


@pytest.mark.parametrize("row", ROWS, ids=IDS)
async def test_each_documented_code_raises_its_class_through_the_client(
    make: Callable[..., AnyKling], mock: SpecMock, row: DocumentedError
) -> None:
    client = make(max_retries=0)
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(
        return_value=checked(GET_TASK, row.status, error_body(row.code, row.message))
    )
    with pytest.raises(_FAMILY_CLASSES[row.family]) as raised:
        await call(client.images.get("783510947463159851"))
    error = raised.value
    assert (error.http_status, error.code, error.message, error.retryable) == (
        row.status,
        row.code,
        row.message,
        row.retryable,
    )
    assert error.request_id == "3a8f6c2e-9d1b-4e7a-a4c5-2b9e7d1f6a99"
    assert str(row.code) in str(error)
    assert error.request_id in str(error)


def changed_table() -> Mapping[int, DocumentedError]:
    """The project's table with 1303 no longer retryable and 1304 moved to the rate-limit family, retryable."""
    document = copy.deepcopy(dict(SPEC.document))
    codes = document["components"]["schemas"]["ErrorResponse"]["x-kling-errors"]["codes"]
    codes["1303"]["retryable"] = False
    codes["1304"].update(family="rate-limit", retryable=True)
    return documented_errors(Spec(document))


def test_changing_the_spec_data_changes_the_derived_maps() -> None:
    before, after = derive_error_maps(TABLE), derive_error_maps(changed_table())

    assert (before.code_to_error[1304], after.code_to_error[1304]) == (
        kling.PermissionDeniedError,
        kling.RateLimitError,
    )
    assert 1303 in before.retryable_codes
    assert 1303 not in after.retryable_codes
    assert 1304 in after.retryable_codes
    # RateLimitError's default follows: no longer every code of its family is retryable.
    assert kling.RateLimitError in before.retryable_classes
    assert kling.RateLimitError not in after.retryable_classes
    assert kling.ServerError in after.retryable_classes


def test_the_sdk_raises_and_retries_by_the_data_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = derive_error_maps(changed_table())
    monkeypatch.setattr(kling._errors, "_error_maps", lambda: changed)

    moved = api_error(429, 1304, "IP whitelist policy triggered", None)
    full = api_error(429, 1303, "parallel task over resource pack limit", None)

    assert (type(moved), moved.retryable) == (kling.RateLimitError, True)
    assert (type(full), full.retryable) == (kling.RateLimitError, False)
    assert kling.RateLimitError.retryable is False
    assert kling.ServerError.retryable is True


def test_the_spec_is_read_at_the_first_error_not_at_import() -> None:
    script = (
        "import sys, kling, kling._errors\n"
        "assert 'kling_spec._errors' not in sys.modules, 'read at import'\n"
        "error = kling._errors.api_error(429, 1303, 'full', None)\n"
        "assert 'kling_spec._errors' in sys.modules\n"
        "print(type(error).__name__, error.retryable)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [_FAMILY_CLASSES[TABLE[1303].family].__name__, str(TABLE[1303].retryable)]


# -- codes and statuses the table does not have ----------------------------------------------------------------


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


# -- the docstrings say what the data says ---------------------------------------------------------------------


_CODES = re.compile(r"\b(\d{4})(?:-(\d{4}))?\b")


def codes_written(text: str) -> set[int]:
    """The 4-digit codes a text names, ranges such as 1000-1004 included."""
    found: set[int] = set()
    for first, last in _CODES.findall(text):
        found.update(range(int(first), int(last or first) + 1))
    return found


@pytest.mark.parametrize("cls", list(_FAMILY_CLASSES.values()), ids=lambda cls: cls.__name__)
def test_the_docstrings_write_out_the_codes_the_data_gives_each_class(cls: type[kling.APIError]) -> None:
    codes = codes_of(cls)
    assert codes
    [line] = [line for line in (kling._errors.__doc__ or "").splitlines() if f"── {cls.__name__} " in line]
    assert codes_written(line) == codes, line
    assert ("retryable" in line) is family_retryable(cls), line
    assert codes_written(cls.__doc__ or "") == codes, cls.__doc__
    # The documentation's table: test_docs.py (docs/ is not beside these tests in every copy of them).


def test_the_docs_check_sees_a_wrong_code() -> None:
    # Guards the parsing above: a range, a list and a stray code are all read.
    assert codes_written("401: 1000-1004; 429: 1304 (HTTP 502)") == {1000, 1001, 1002, 1003, 1004, 1304}


def test_the_tree_is_written_out_in_the_module_docstring() -> None:
    import kling._errors as module

    doc = module.__doc__ or ""
    public = [name for name in kling.__all__ if name.endswith("Error")]
    assert public
    for name in public:
        assert name in doc, name


# -- what each error says and carries, word for word -----------------------------------------------------------


def test_missing_keys_are_a_kling_error_and_still_the_auth_plugins_error() -> None:
    with pytest.raises(kling.MissingCredentialsError) as raised:
        kling.Kling()
    assert isinstance(raised.value, kling.KlingError)
    assert isinstance(raised.value, kling_auth.MissingCredentialsError)
    assert isinstance(raised.value, ValueError)
    assert "KLING_SECRET_KEY" in str(raised.value)


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


def test_task_errors_carry_what_the_caller_needs() -> None:
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
    assert null.task_status_msg == ""
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


# -- server text reaches users inert ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text", "plain text"),
        ("two\nlines", "two\\nlines"),
        ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
        ("tab\there", "tab\\there"),
        ("é and ü stay", "é and ü stay"),
        ("C:\\dir \"a\" 'b'\nnext", "C:\\dir \"a\" 'b'\\nnext"),
        (42, "42"),
    ],
    ids=["plain", "newline", "escape and bell", "tab", "printable unicode", "backslash and quotes stay", "not text"],
)
def test_server_text_is_made_one_escaped_line(text: object, shown: str) -> None:
    assert kling._errors.inert(text) == shown


def test_server_text_is_cut_at_the_stated_length_saying_how_much_was_left_out() -> None:
    limit = kling._errors.SERVER_TEXT_MAX_CHARS
    assert limit == 300
    assert kling._errors.inert("x" * limit) == "x" * limit
    assert kling._errors.inert("x" * (limit + 5)) == "x" * limit + "... (5 more characters)"
    assert kling._errors.inert("abcdef", 3) == "abc... (3 more characters)"
    assert kling._errors.inert("\n" * 4, 2) == "\\n\\n... (2 more characters)"


def test_an_api_errors_text_is_inert_and_the_full_text_stays_on_it() -> None:
    message = "bad\nthing " + "y" * 400
    error = kling.InvalidRequestError(message, http_status=400, code=1201, request_id="req\x1b[2J" + "z" * 200)
    assert error.raw_message == message
    assert error.message == kling._errors.inert(message)
    assert "\n" not in str(error)
    assert "\x1b" not in str(error) + repr(error)
    assert error.request_id == kling._errors.inert("req\x1b[2J" + "z" * 200, 100)
    assert error.request_id is not None
    assert error.request_id.startswith("req\\x1b[2J")
    assert error.request_id.endswith("... (107 more characters)")


def test_a_response_over_the_cap_says_the_limit() -> None:
    error = kling.ResponseTooLargeError("the answer is over the 10-byte limit", http_status=200, limit=10)
    assert isinstance(error, kling.MalformedResponseError)
    assert (error.limit, error.http_status, error.retryable) == (10, 200, False)
    assert str(error) == "malformed answer (HTTP 200): the answer is over the 10-byte limit"
