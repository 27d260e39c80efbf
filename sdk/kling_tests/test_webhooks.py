"""Signed callbacks: parse_callback(body, headers=..., secret=...) verifies the Standard Webhooks signature first.

The publisher's test vector pins the algorithm; the other cases sign with the standardwebhooks library's own
signing side at a pinned clock, so a signature is fresh whatever today's date.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import kling
import kling._callbacks
import pytest
import standardwebhooks
from hypothesis import given, settings
from hypothesis import strategies as st
from kling import (
    KlingError,
    ValidationError,
    WebhookHeadersError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookVerificationError,
    parse_callback,
)
from kling._constants import WEBHOOK_MAX_HEADER_CHARS, WEBHOOK_MAX_SIGNATURES, WEBHOOK_TOLERANCE_SECONDS
from kling_api.models import ImageTaskCallback
from kling_spec import load_spec
from starlette.datastructures import Headers as StarletteHeaders

# The publisher's test vector (Callback Protocol page, "Webhook Signature"). The guard in
# testsupport/secret_guard.py looks for both secrets (and their Base64 and decoded keys) in logs and files.
WEBHOOK_SECRET = "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI="
VECTOR_ID = "9876543210"
VECTOR_TIMESTAMP = 1781080794  # 2026-06-10 08:39:54 UTC
VECTOR_BODY = (
    b'{"id":"1234567890","status":"succeeded","message":"","create_time":1781080778802,"update_time":1781080794151}'
)
VECTOR_SIGNATURE = "v1,UsKlJP00XoQyOn410NM9xv34sP+Gl0jnOO9Lcpr7NJ4="
# A second secret: the one a rotation replaces, or a wrong one.
OTHER_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"an-older-secret-rotated-away-now").decode()
SECRET_FORMS = [
    WEBHOOK_SECRET,
    WEBHOOK_SECRET.removeprefix("whsec_"),
    base64.b64decode(WEBHOOK_SECRET.removeprefix("whsec_")).decode(),
]

NOW = 1_790_000_000  # the pinned clock of every test below but the vector's and the differential one
SUCCEED: dict[str, Any] = load_spec().examples("getImageTask", 200)["succeed"]["data"]
BODY = json.dumps(SUCCEED).encode()


Clock = Callable[[float | None], None]


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """parse_callback's clock, pinned at NOW; call the fixture's value to move it, with None for the real one."""
    now: list[float | None] = [float(NOW)]
    monkeypatch.setattr(kling._callbacks, "_clock", lambda: time.time() if now[0] is None else now[0])

    def set_clock(value: float | None) -> None:
        now[0] = value

    return set_clock


def sign(body: bytes | str = BODY, *, secret: str = WEBHOOK_SECRET, at: int = NOW, msg_id: str = "msg_1") -> str:
    """The library's own signature: the sender's side of the protocol."""
    # As text: standardwebhooks 1.1 signs str only (1.3 takes bytes too); both sign a str as its UTF-8 bytes.
    text = body.decode() if isinstance(body, bytes) else body
    return standardwebhooks.Webhook(secret).sign(msg_id, datetime.fromtimestamp(at, tz=UTC), text)


def signed_headers(
    body: bytes | str = BODY, *, secret: str = WEBHOOK_SECRET, at: int = NOW, msg_id: str = "msg_1"
) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(at),
        "webhook-signature": sign(body, secret=secret, at=at, msg_id=msg_id),
    }


def refusal(body: Any, headers: Any, secret: Any = WEBHOOK_SECRET) -> KlingError:
    with pytest.raises(KlingError) as caught:
        parse_callback(body, headers=headers, secret=secret)
    return caught.value


# -- the publisher's test vector -------------------------------------------------------------------------------


def test_the_publishers_vector_is_what_the_librarys_signing_side_computes() -> None:
    at = datetime.fromtimestamp(VECTOR_TIMESTAMP, tz=UTC)

    assert standardwebhooks.Webhook(WEBHOOK_SECRET).sign(VECTOR_ID, at, VECTOR_BODY.decode()) == VECTOR_SIGNATURE
    # And by hand, as the page describes it: HMAC-SHA256 of id.timestamp.body, keyed with the decoded secret.
    key = base64.b64decode(WEBHOOK_SECRET.removeprefix("whsec_"))
    digest = hmac.new(key, f"{VECTOR_ID}.{VECTOR_TIMESTAMP}.".encode() + VECTOR_BODY, hashlib.sha256).digest()
    assert "v1," + base64.b64encode(digest).decode() == VECTOR_SIGNATURE


VECTOR_HEADERS = {"webhook-id": VECTOR_ID, "webhook-timestamp": str(VECTOR_TIMESTAMP), "webhook-signature": ""}


@pytest.mark.parametrize("seconds_later", [0, 120, WEBHOOK_TOLERANCE_SECONDS])
def test_the_publishers_vector_verifies_at_its_time_and_then_fails_the_image_schema(
    clock: Clock, seconds_later: int
) -> None:
    clock(VECTOR_TIMESTAMP + seconds_later)
    headers = {**VECTOR_HEADERS, "webhook-signature": VECTOR_SIGNATURE}

    # The signature passes; the body is the new-format test callback, not an image task, so the schema refuses it.
    with pytest.raises(ValidationError) as caught:
        parse_callback(VECTOR_BODY, headers=headers, secret=WEBHOOK_SECRET)
    assert (caught.value.field, caught.value.rule) == ("callback.task_id", "is required")

    # One character of the signature changed: refused before the body is looked at. "...NJ5=" decodes to the
    # same bytes as "...NJ4=" (the last character's 2 unused bits), and still is no valid signature.
    for forged in ("v1,V" + VECTOR_SIGNATURE[4:], VECTOR_SIGNATURE[:-2] + "5="):
        with pytest.raises(WebhookSignatureError):
            parse_callback(VECTOR_BODY, headers={**headers, "webhook-signature": forged}, secret=WEBHOOK_SECRET)


def test_the_publishers_vector_is_too_old_for_todays_clock(clock: Clock) -> None:
    clock(None)  # the real clock: the vector is dated 2026-06-10
    headers = {**VECTOR_HEADERS, "webhook-signature": VECTOR_SIGNATURE}

    with pytest.raises(WebhookTimestampError, match="s old, outside the 300 s tolerance") as caught:
        parse_callback(VECTOR_BODY, headers=headers, secret=WEBHOOK_SECRET)
    assert caught.value.timestamp == VECTOR_TIMESTAMP


# -- a signed image callback -----------------------------------------------------------------------------------


@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "str"])
def test_a_signed_image_callback_parses(as_text: bool) -> None:
    body: bytes | str = BODY.decode() if as_text else BODY

    callback = parse_callback(body, headers=signed_headers(), secret=WEBHOOK_SECRET)

    assert isinstance(callback, ImageTaskCallback)
    assert callback.to_dict() == SUCCEED


def test_during_a_rotation_either_secret_verifies_the_two_signatures() -> None:
    headers = signed_headers()
    old = sign(secret=OTHER_WEBHOOK_SECRET)
    for both in (f"{old} {headers['webhook-signature']}", f"{headers['webhook-signature']} {old}"):
        rotated = {**headers, "webhook-signature": both}
        for secret in (WEBHOOK_SECRET, OTHER_WEBHOOK_SECRET):
            assert parse_callback(BODY, headers=rotated, secret=secret).task_id == SUCCEED["task_id"]

    error = refusal(BODY, {**headers, "webhook-signature": f"{old} {old}"})
    assert isinstance(error, WebhookSignatureError)
    assert "none of the 2 signatures match" in str(error)


def header_case(transform: Callable[[str], str]) -> dict[str, str]:
    return {transform(name): value for name, value in signed_headers().items()}


HEADER_FORMS: dict[str, Callable[[], Any]] = {
    "lower": lambda: header_case(str.lower),
    "upper": lambda: header_case(str.upper),
    "title": lambda: header_case(str.title),
    "mixed": lambda: header_case(lambda name: name.replace("webhook", "WebHook").replace("-id", "-ID")),
    "httpx": lambda: httpx.Headers(header_case(str.title)),
    "starlette": lambda: StarletteHeaders(headers=header_case(str.title)),
    "asgi-raw": lambda: [(name.encode(), value.encode()) for name, value in header_case(str.title).items()],
    "pairs-with-others": lambda: [("content-type", "application/json"), *header_case(str.upper).items()],
    "padded-values": lambda: {name: f" {value}\t" for name, value in signed_headers().items()},
}


@pytest.mark.parametrize("form", HEADER_FORMS.values(), ids=HEADER_FORMS.keys())
def test_header_names_match_whatever_their_case_and_container(form: Callable[[], Any]) -> None:
    callback = parse_callback(BODY, headers=form(), secret=WEBHOOK_SECRET)

    assert callback.task_id == SUCCEED["task_id"]


# -- refusals --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (-WEBHOOK_TOLERANCE_SECONDS - 1, "301 s old"),
        (-86_400, "86400 s old"),
        (WEBHOOK_TOLERANCE_SECONDS + 1, "301 s in the future"),
        (10**9, "1000000000 s in the future"),
    ],
)
def test_a_timestamp_outside_five_minutes_is_refused_even_when_signed(offset: int, words: str) -> None:
    # Signed at that time with the right secret: a replay of a genuine request, or a clock out of sync.
    error = refusal(BODY, signed_headers(at=NOW + offset))

    assert isinstance(error, WebhookTimestampError)
    assert words in str(error)
    assert error.timestamp == NOW + offset


@pytest.mark.parametrize(
    ("headers", "timestamp"),
    [
        (signed_headers(at=NOW - WEBHOOK_TOLERANCE_SECONDS - 1), NOW - WEBHOOK_TOLERANCE_SECONDS - 1),
        ({**signed_headers(), "webhook-timestamp": f"{NOW}.0"}, None),
    ],
    ids=["too old", "not unix seconds"],
)
def test_a_timestamp_refusal_names_the_timestamp_header(headers: dict[str, str], timestamp: int | None) -> None:
    # Like WebhookHeadersError, it says which header to look at: an app can answer each refusal the same way.
    error = refusal(BODY, headers)

    assert isinstance(error, WebhookTimestampError)
    assert error.header == "webhook-timestamp"
    assert error.timestamp == timestamp


@pytest.mark.parametrize("offset", [-WEBHOOK_TOLERANCE_SECONDS, WEBHOOK_TOLERANCE_SECONDS])
def test_five_minutes_either_way_is_still_accepted(offset: int) -> None:
    assert parse_callback(BODY, headers=signed_headers(at=NOW + offset), secret=WEBHOOK_SECRET)


TAMPERED = {
    "one-byte": BODY.replace(b"succeed", b"succeer"),
    "other-task": json.dumps({**SUCCEED, "task_id": "1"}).encode(),
    "re-encoded": json.dumps(json.loads(BODY), separators=(",", ":")).encode(),  # what a framework's parser does
    "trailing-newline": BODY + b"\n",
}


@pytest.mark.parametrize("body", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_changed_body_is_refused(body: bytes) -> None:
    error = refusal(body, signed_headers())

    assert isinstance(error, WebhookSignatureError)
    assert "the signature does not match" in str(error)


JUNK = {
    "html": b"<html><body>502</body></html>",
    "deep-array": b"[" * 100_000 + b"]" * 100_000,
    "nan": b'{"task_id": NaN}',
    "duplicate-key": b'{"task_id": "a", "task_id": "b"}',
}


@pytest.mark.parametrize("body", JUNK.values(), ids=JUNK.keys())
def test_an_unsigned_body_is_refused_for_its_signature_before_it_is_parsed(body: bytes) -> None:
    # Signed for another body: the JSON parser never sees what no secret holder sent.
    error = refusal(body, signed_headers())

    assert isinstance(error, WebhookSignatureError)


def test_a_wrong_secret_is_refused() -> None:
    error = refusal(BODY, signed_headers(), secret=OTHER_WEBHOOK_SECRET)

    assert isinstance(error, WebhookSignatureError)


def test_the_id_and_timestamp_are_signed_too() -> None:
    headers = signed_headers()

    assert isinstance(refusal(BODY, {**headers, "webhook-id": "msg_2"}), WebhookSignatureError)
    assert isinstance(refusal(BODY, {**headers, "webhook-timestamp": str(NOW + 1)}), WebhookSignatureError)


@pytest.mark.parametrize("name", ["webhook-id", "webhook-timestamp", "webhook-signature"])
@pytest.mark.parametrize("how", ["absent", "empty"])
def test_each_missing_header_is_named(name: str, how: str) -> None:
    headers = signed_headers()
    if how == "absent":
        del headers[name]
    else:
        headers[name] = "  "

    error = refusal(BODY, headers)

    assert isinstance(error, WebhookHeadersError)
    assert error.header == name
    assert str(error) == f"{name} header is missing"


def test_an_unsigned_request_says_so() -> None:
    error = refusal(BODY, {"content-type": "application/json"})

    assert isinstance(error, WebhookHeadersError)
    assert error.header == "webhook-signature"
    assert "not signed" in str(error)


def test_a_parsed_body_cannot_be_verified() -> None:
    error = refusal(copy.deepcopy(SUCCEED), signed_headers())

    assert isinstance(error, ValidationError)
    assert error.field == "callback"
    assert "raw request body" in error.rule


def test_headers_are_required_with_a_secret() -> None:
    error = refusal(BODY, None)

    assert isinstance(error, ValidationError)
    assert error.field == "headers"


MALFORMED_SECRETS: dict[str, Any] = {
    "empty": "",
    "prefix-only": "whsec_",
    "no-prefix": WEBHOOK_SECRET.removeprefix("whsec_"),
    "other-prefix": "wh_" + WEBHOOK_SECRET.removeprefix("whsec_"),
    "not-base64": "whsec_not*base64*at*all!",
    "base64url": "whsec_" + base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode(),
    "bad-length": "whsec_" + WEBHOOK_SECRET.removeprefix("whsec_").rstrip("=") + "AB",
    "inner-space": WEBHOOK_SECRET[:20] + " " + WEBHOOK_SECRET[20:],
    "trailing-newline": WEBHOOK_SECRET + "\n",
    "bytes": WEBHOOK_SECRET.encode(),
}


@pytest.mark.parametrize("secret", MALFORMED_SECRETS.values(), ids=MALFORMED_SECRETS.keys())
def test_a_malformed_secret_is_a_validation_error_that_never_repeats_it(secret: Any) -> None:
    # Signed with the real secret: a malformed one must never skip verification or verify by accident.
    error = refusal(BODY, signed_headers(), secret=secret)

    assert isinstance(error, ValidationError)
    assert error.field == "secret"
    assert "'whsec_' followed by its Base64 key" in error.rule
    text = f"{error} {error!r} {error.args}"
    for form in [*SECRET_FORMS, str(secret).strip()]:
        if len(form) > 6:
            assert form not in text


def test_an_unpadded_secret_verifies_as_the_library_allows() -> None:
    assert parse_callback(BODY, headers=signed_headers(), secret=WEBHOOK_SECRET.rstrip("="))


# -- hostile headers: typed errors, bounded work ---------------------------------------------------------------


def with_header(name: str, value: Any) -> dict[str, Any]:
    return {**signed_headers(), name: value}


HOSTILE: list[tuple[str, Any, type[KlingError], str]] = [
    # (id, headers, error, words)
    (
        "huge-id",
        with_header("webhook-id", "m" * 1_000_000),
        WebhookHeadersError,
        f"longer than {WEBHOOK_MAX_HEADER_CHARS}",
    ),
    (
        "huge-signature",
        with_header("webhook-signature", "v1,x " * 300),
        WebhookHeadersError,
        f"longer than {WEBHOOK_MAX_HEADER_CHARS}",
    ),
    (
        "huge-timestamp",
        with_header("webhook-timestamp", "1" * 2000),
        WebhookHeadersError,
        f"longer than {WEBHOOK_MAX_HEADER_CHARS}",
    ),
    (
        "many-signatures",
        with_header("webhook-signature", " ".join([sign()] * (WEBHOOK_MAX_SIGNATURES + 1))),
        WebhookHeadersError,
        f"more than {WEBHOOK_MAX_SIGNATURES} signatures",
    ),
    ("double-space", with_header("webhook-signature", f"{sign()}  {sign()}"), WebhookHeadersError, "single spaces"),
    ("non-ascii-id", with_header("webhook-id", "msg_é"), WebhookHeadersError, "not printable ASCII"),
    ("control-in-id", with_header("webhook-id", "msg\x00_1"), WebhookHeadersError, "not printable ASCII"),
    ("surrogate-id", with_header("webhook-id", "msg_\ud800"), WebhookHeadersError, "not printable ASCII"),
    ("latin1-bytes", with_header("webhook-id", b"msg_\xe9"), WebhookHeadersError, "not printable ASCII"),
    ("non-text", with_header("webhook-id", 12345), WebhookHeadersError, "not text"),
    ("rtl-signature", with_header("webhook-signature", sign() + "\u202e"), WebhookHeadersError, "printable ASCII"),
    ("arabic-digits", with_header("webhook-timestamp", "١٧٩٠٠٠٠٠٠٠"), WebhookHeadersError, "not printable ASCII"),
    ("fraction", with_header("webhook-timestamp", f"{NOW}.0"), WebhookTimestampError, "not Unix seconds"),
    ("plus-sign", with_header("webhook-timestamp", f"+{NOW}"), WebhookTimestampError, "not Unix seconds"),
    ("leading-zero", with_header("webhook-timestamp", f"0{NOW}"), WebhookTimestampError, "not Unix seconds"),
    ("negative", with_header("webhook-timestamp", "-1"), WebhookTimestampError, "not Unix seconds"),
    ("nan", with_header("webhook-timestamp", "nan"), WebhookTimestampError, "not Unix seconds"),
    ("huge-number", with_header("webhook-timestamp", "9" * 500), WebhookTimestampError, "not Unix seconds"),
    ("milliseconds", with_header("webhook-timestamp", str(NOW * 1000)), WebhookTimestampError, "in the future"),
    ("no-v1-entry", with_header("webhook-signature", "v2,abc v1a,xyz"), WebhookSignatureError, "no v1 signature"),
    ("short-v1", with_header("webhook-signature", sign()[:-4]), WebhookSignatureError, "no v1 signature"),
    ("unpadded-v1", with_header("webhook-signature", sign()[:-1]), WebhookSignatureError, "no v1 signature"),
    (
        "non-canonical-v1",  # the right HMAC, spelled with the last character's unused bits set
        with_header("webhook-signature", sign()[:-2] + chr(ord(sign()[-2]) + 1) + "="),
        WebhookSignatureError,
        "no v1 signature",
    ),
    (
        "repeated",
        [*signed_headers().items(), ("Webhook-Signature", sign())],
        WebhookHeadersError,
        "sent more than once",
    ),
    # U+212A KELVIN SIGN lower-cases to "k": not the header's name, so the header is missing.
    (
        "kelvin-name",
        {**{k: v for k, v in signed_headers().items() if k != "webhook-id"}, "webhoo\u212a-id": "msg_1"},
        WebhookHeadersError,
        "webhook-id header is missing",
    ),
    ("not-headers", 42, ValidationError, "mapping or (name, value) pairs"),
    ("a-string", "webhook-id: 1", ValidationError, "mapping or (name, value) pairs"),
    ("not-pairs", [("webhook-id",)], ValidationError, "mapping or (name, value) pairs"),
]


@pytest.mark.parametrize(
    ("headers", "error", "words"), [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE]
)
def test_hostile_headers_are_typed_errors(headers: Any, error: type[KlingError], words: str) -> None:
    refused = refusal(BODY, headers)

    assert type(refused) is error
    assert words in str(refused)
    assert len(str(refused)) < 300


def test_unknown_or_malformed_entries_beside_a_valid_signature_are_skipped() -> None:
    # standardwebhooks 1.1 could not even split or decode these (a raw ValueError there): they never reach it.
    junk = f"junk v1,short v1,a,b v2,x v1,{'A' * 44} v1,{'A' * 43}="

    assert parse_callback(BODY, headers=with_header("webhook-signature", f"{junk} {sign()}"), secret=WEBHOOK_SECRET)
    assert isinstance(refusal(BODY, with_header("webhook-signature", junk)), WebhookSignatureError)


def test_up_to_the_signature_cap_every_entry_is_checked() -> None:
    others = [sign(secret=OTHER_WEBHOOK_SECRET, msg_id=f"other_{n}") for n in range(WEBHOOK_MAX_SIGNATURES - 1)]
    headers = with_header("webhook-signature", " ".join([*others, sign()]))

    assert parse_callback(BODY, headers=headers, secret=WEBHOOK_SECRET)


def test_a_body_over_the_cap_is_refused_before_any_hmac() -> None:
    body = b" " * (kling._constants.CALLBACK_MAX_BYTES + 1)

    error = refusal(body, signed_headers(body))

    assert isinstance(error, ValidationError)
    assert "over" in error.rule


@pytest.mark.parametrize("body", [b'{"task_id": "\xff"}', '{"task_id": "\ud800"}'], ids=["bytes", "str"])
def test_a_body_that_is_not_utf8_is_a_validation_error(body: bytes | str) -> None:
    error = refusal(body, signed_headers(BODY))

    assert isinstance(error, ValidationError)
    assert error.rule == "is not UTF-8 text"


header_values = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80),
    st.from_regex(r"v1,[A-Za-z0-9+/]{43}=( v1,[A-Za-z0-9+/]{43}=){0,3}", fullmatch=True),
    st.integers(min_value=NOW - 600, max_value=NOW + 600).map(str),
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["webhook-id", "Webhook-Timestamp", "WEBHOOK-SIGNATURE", "x-other"]), header_values
    ),
    st.sampled_from([BODY, BODY.decode(), b"", b"\xff"]),
)
def test_never_a_raw_exception_and_never_a_forgery(headers: dict[str, Any], body: bytes | str) -> None:
    # Any other exception fails the test; so does an acceptance (no random header carries the right HMAC).
    with pytest.raises((WebhookVerificationError, ValidationError)) as caught:
        parse_callback(body, headers=headers, secret=WEBHOOK_SECRET)
    assert WEBHOOK_SECRET not in f"{caught.value} {caught.value!r}"


# -- what a receiver meets -------------------------------------------------------------------------------------


def test_every_webhook_error_is_a_kling_error_and_the_librarys_own() -> None:
    error = refusal(BODY, signed_headers(), secret=OTHER_WEBHOOK_SECRET)

    # The publisher's sample code catches standardwebhooks.WebhookVerificationError; so does ours.
    assert isinstance(error, standardwebhooks.WebhookVerificationError)
    assert isinstance(error, WebhookVerificationError)
    assert isinstance(error, KlingError)
    assert not isinstance(error, ValidationError)
    for name in ("WebhookVerificationError", "WebhookHeadersError", "WebhookTimestampError", "WebhookSignatureError"):
        assert name in kling.__all__


FAILURES: dict[str, Callable[[], object]] = {
    "signature": lambda: parse_callback(BODY + b" ", headers=signed_headers(), secret=WEBHOOK_SECRET),
    "timestamp": lambda: parse_callback(BODY, headers=signed_headers(at=0), secret=WEBHOOK_SECRET),
    "headers": lambda: parse_callback(BODY, headers={}, secret=WEBHOOK_SECRET),
    "parsed-body": lambda: parse_callback(SUCCEED, headers=signed_headers(), secret=WEBHOOK_SECRET),
    "schema": lambda: parse_callback(b"{}", headers=signed_headers(b"{}"), secret=WEBHOOK_SECRET),
    "secret-newline": lambda: parse_callback(BODY, headers=signed_headers(), secret=WEBHOOK_SECRET + "\n"),
    "secret-bad-base64": lambda: parse_callback(BODY, headers=signed_headers(), secret=WEBHOOK_SECRET[:-3] + "*"),
}


@pytest.mark.parametrize("fail", FAILURES.values(), ids=FAILURES.keys())
def test_no_error_carries_the_secret_in_any_form(fail: Callable[[], object]) -> None:
    with pytest.raises(KlingError) as caught:
        fail()

    error = caught.value
    shown = f"{error} {error!r} {error.args} {vars(error)} " + "".join(traceback.format_exception(error))
    for form in SECRET_FORMS:
        assert form not in shown


def test_without_a_secret_nothing_is_verified() -> None:
    # The headers are not read: a forged signature, or none, parses the same. Hence confirm_callback.
    forged = {**signed_headers(), "webhook-signature": "v1,forged"}

    assert parse_callback(BODY, headers=forged).to_dict() == SUCCEED
    assert parse_callback(BODY).to_dict() == SUCCEED


VERDICT_CASES: dict[str, Callable[[int], tuple[bytes, dict[str, str]]]] = {
    "valid": lambda now: (BODY, signed_headers(at=now)),
    "rotation": lambda now: (
        BODY,
        with_sig(signed_headers(at=now), f"{sign(secret=OTHER_WEBHOOK_SECRET, at=now)} {sign(at=now)}"),
    ),
    "other-versions-first": lambda now: (BODY, with_sig(signed_headers(at=now), f"v2,abc v1a,x {sign(at=now)}")),
    "tampered": lambda now: (BODY + b" ", signed_headers(at=now)),
    "wrong-secret": lambda now: (BODY, signed_headers(at=now, secret=OTHER_WEBHOOK_SECRET)),
    "stale": lambda now: (BODY, signed_headers(at=now - 3600)),
    "future": lambda now: (BODY, signed_headers(at=now + 3600)),
    "no-signature": lambda now: (BODY, {k: v for k, v in signed_headers(at=now).items() if "sig" not in k}),
}


def with_sig(headers: dict[str, str], value: str) -> dict[str, str]:
    return {**headers, "webhook-signature": value}


@pytest.mark.parametrize("case", VERDICT_CASES.values(), ids=VERDICT_CASES.keys())
def test_the_verdict_is_the_librarys_verify_at_the_real_clock(
    clock: Clock, case: Callable[[int], tuple[bytes, dict[str, str]]]
) -> None:
    clock(None)  # the real clock, for both
    body, headers = case(int(datetime.now(tz=UTC).timestamp()))
    try:
        standardwebhooks.Webhook(WEBHOOK_SECRET).verify(body, headers, json_parse=False)
    except standardwebhooks.WebhookVerificationError:
        library_accepts = False
    else:
        library_accepts = True

    try:
        parse_callback(body, headers=headers, secret=WEBHOOK_SECRET)
    except WebhookVerificationError:
        ours_accepts = False
    else:
        ours_accepts = True

    assert ours_accepts is library_accepts
