"""Parsing what the API POSTs to your ``callback_url``, after checking its signature when you have a secret.

With ``secret=`` (the ``whsec_...`` webhook secret from the console), the request's Standard Webhooks signature
is verified before the body is read as JSON: the ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
headers are checked (bounded, printable ASCII, a timestamp within 5 minutes of this machine's clock), then the
``standardwebhooks`` library, the one the publisher recommends, compares each ``v1`` signature with the HMAC of
``{id}.{timestamp}.{raw body}``. A failure is a :class:`WebhookVerificationError` subclass. Without a secret the
body is unauthenticated: anyone can POST to your URL.

The body is then parsed defensively (size cap, no NaN or Infinity, no duplicate keys, bounded nesting), checked
against the spec's ``ImageTaskCallback`` schema (the same ``kling_spec`` source the emulator uses), then built
into the generated model. Anything wrong is a :class:`ValidationError` naming the field and the rule, never a raw
exception. Treat an unsigned callback as a hint and confirm it by querying the task
(``client.images.confirm_callback``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, NoReturn, TypeAlias

import standardwebhooks
from jsonschema.exceptions import best_match
from kling_api.models import ImageTaskCallback
from kling_spec import load_spec

from ._constants import (
    CALLBACK_MAX_BYTES,
    CALLBACK_MAX_DEPTH,
    WEBHOOK_MAX_HEADER_CHARS,
    WEBHOOK_MAX_SIGNATURES,
    WEBHOOK_SECRET_PREFIX,
    WEBHOOK_TOLERANCE_SECONDS,
)
from ._errors import (
    ValidationError,
    WebhookHeadersError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookVerificationError,
)

_FIELD: Final = "callback"
_RULE_TEXT_LIMIT: Final = 200

#: A request's headers: a mapping (a dict, ``httpx.Headers``, Starlette's or Django's headers) or (name, value)
#: pairs (an ASGI scope's raw ``headers``). Names match case-insensitively.
WebhookHeaders: TypeAlias = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]

_ID: Final = "webhook-id"
_TIMESTAMP: Final = "webhook-timestamp"
_SIGNATURE: Final = "webhook-signature"
_HEADER_NAMES: Final = (_ID, _TIMESTAMP, _SIGNATURE)
_HEADER_NAME_LENGTHS: Final = frozenset(len(name) for name in _HEADER_NAMES)
_VISIBLE_ASCII: Final = re.compile(r"[\x21-\x7e]+")
# Unix seconds, as the sender writes them: ASCII digits (``\d`` would take any script's), no sign, no fraction.
_UNIX_SECONDS: Final = re.compile(r"0|[1-9][0-9]{0,14}")
_SIGNATURE_LIST: Final = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
# A v1 entry is a Base64 HMAC-SHA256: 32 bytes, 44 characters, in the one canonical spelling (the last character
# before "=" carries 2 unused bits, which must be 0). Anything else can never match: it is not handed to the
# library, whose 1.1 release decodes entries leniently (a spelling with those bits set matched there).
_V1_SIGNATURE: Final = re.compile(r"v1,[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=")
_BASE64: Final = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_SECRET_RULE: Final = (
    f"must be the webhook secret as the console shows it: {WEBHOOK_SECRET_PREFIX!r} followed by its Base64 key"
)

#: The clock the timestamp window is measured against, in Unix seconds (tests pin it).
_clock: Callable[[], float] = time.time


def _refuse(rule: str, where: str = "") -> NoReturn:
    rule = rule if len(rule) <= _RULE_TEXT_LIMIT else rule[:_RULE_TEXT_LIMIT] + "..."
    raise ValidationError(f"{_FIELD}.{where}" if where else _FIELD, rule)


def _reject_constant(name: str) -> NoReturn:
    # Python's parser takes NaN and Infinity, which are not JSON (RFC 8259).
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two parsers may keep different copies of a repeated key; refusing it removes the ambiguity.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _check_shape(value: Any) -> None:
    """Refuses nesting deeper than CALLBACK_MAX_DEPTH, and a body whose JSON would be over CALLBACK_MAX_BYTES, for
    JSON already parsed (a framework's dict) as for bytes: a lower bound of its JSON size is summed as it is
    walked, so a 200 MB string or a million images is refused after at most CALLBACK_MAX_BYTES of work.
    Iterative (a self-containing mapping ends here too)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    size = 0
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, Mapping):
            size += 2 + sum(len(key) + 4 if isinstance(key, str) else 6 for key in item)
        elif isinstance(item, list | tuple):
            size += 1 + 2 * len(item)  # brackets and commas, and each item at least one character
        else:
            size += 1
        if size > CALLBACK_MAX_BYTES:
            _refuse(f"is over {CALLBACK_MAX_BYTES} bytes as JSON")
        if isinstance(item, Mapping):
            children: list[Any] = list(item.values())
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            continue
        if depth > CALLBACK_MAX_DEPTH:
            _refuse(f"is nested deeper than {CALLBACK_MAX_DEPTH} levels")
        pending.extend((child, depth + 1) for child in children)


def _text(body: bytes | str) -> str:
    size = len(body)
    if size > CALLBACK_MAX_BYTES:
        _refuse(f"is {size} {'bytes' if isinstance(body, bytes) else 'characters'}, over {CALLBACK_MAX_BYTES}")
    if isinstance(body, bytes):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            _refuse("is not UTF-8 text")
    return body


def _decode(body: str) -> Any:
    try:
        return json.loads(body, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        _refuse(f"is nested deeper than {CALLBACK_MAX_DEPTH} levels")
    except ValueError as error:
        # JSONDecodeError, NaN/Infinity, duplicate keys, integers past Python's digit limit.
        _refuse(f"is not valid JSON ({error})")


def parse_callback(
    body: bytes | str | Mapping[str, Any],
    *,
    headers: WebhookHeaders | None = None,
    secret: str | None = None,
) -> ImageTaskCallback:
    """The task a callback body describes, as the generated :class:`ImageTaskCallback` model.

    With ``secret`` (the ``whsec_...`` webhook secret from the console), the request's signature is verified
    first, the Standard Webhooks way: pass ``body`` exactly as received (``bytes``, or ``str``; JSON your web
    framework already parsed cannot be verified) and the request's ``headers``. A request that does not verify
    raises a :class:`WebhookVerificationError`: :class:`WebhookHeadersError` (``webhook-id``,
    ``webhook-timestamp`` or ``webhook-signature`` missing or malformed), :class:`WebhookTimestampError` (over
    5 minutes from this machine's clock) or :class:`WebhookSignatureError` (no signature matches). During a
    secret rotation the request carries one signature per secret; any match verifies.

    Without ``secret`` nothing is verified and ``headers`` is not read: the body is unauthenticated, since
    anyone can POST to your URL. Treat it as a hint and confirm it with ``client.images.confirm_callback``.
    ``body`` may then also be JSON already parsed by your web framework.

    Raises :class:`ValidationError` (also a ``ValueError``) with ``field`` ``"callback"`` or
    ``"callback.<path>"`` for anything that is not a valid callback, ``"secret"`` for a malformed secret
    (never repeated) and ``"headers"`` when ``secret`` comes without them.
    """
    if secret is not None:
        data = _decode(_verified_text(body, headers, secret))
    elif isinstance(body, bytes | bytearray | memoryview):
        data = _decode(_text(bytes(body)))
    elif isinstance(body, str):
        data = _decode(_text(body))
    elif isinstance(body, Mapping):
        data = body
    else:
        _refuse(f"must be bytes, str or a mapping, got {type(body).__name__}")
    if not isinstance(data, Mapping):
        _refuse(f"must be a JSON object, got {type(data).__name__}")
    _check_shape(data)
    try:
        # A plain JSON copy of what a framework handed us: no NaN, no objects JSON cannot carry.
        data = json.loads(json.dumps(dict(data), allow_nan=False))
    except (TypeError, ValueError, RecursionError) as exc:
        _refuse(f"is not JSON data ({type(exc).__name__})")
    problem = _schema_problem(data)
    if problem is not None:
        rule, where = problem
        _refuse(rule, where)
    try:
        return ImageTaskCallback.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # the schema passed; belt and braces
        _refuse(f"does not fit the model ({type(exc).__name__}: {exc})")


# -- signed callbacks ------------------------------------------------------------------------------------------


class _CheckedTimestampWebhook(standardwebhooks.Webhook):
    """The library's ``verify`` (header handling, HMAC, constant-time comparison of every entry), without its
    second look at the clock.

    ``Webhook.verify`` measures the timestamp against ``datetime.now()`` and takes no clock; parse_callback has
    already measured it against ``_clock``, so this override of the library's private hook (its mangled name)
    only turns the checked header into the time it signs with. Were the hook renamed, the library's own check
    would apply again with the real clock: the same answer in use, and the pinned-clock tests would fail.
    """

    def _Webhook__verify_timestamp(self, timestamp_header: str) -> datetime:
        return datetime.fromtimestamp(int(timestamp_header), tz=UTC)


def _verified_text(body: object, headers: WebhookHeaders | None, secret: object) -> str:
    """The body as text, once its signature verified; raises before anything in it is parsed."""
    secret = _checked_secret(secret)
    if isinstance(body, bytes | bytearray | memoryview):
        text = _text(bytes(body))
    elif isinstance(body, str):
        text = _text(body)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            _refuse("is not UTF-8 text")
    elif isinstance(body, Mapping):
        _refuse(
            "was already parsed, and a parsed body cannot be verified: pass the raw request body (bytes or str, "
            "exactly as received) with secret="
        )
    else:
        _refuse(f"must be the raw request body, bytes or str, got {type(body).__name__}")
    if headers is None:
        raise ValidationError("headers", "are required with secret=: pass the request's headers")
    found = _webhook_headers(headers)
    timestamp = _checked_timestamp(found[_TIMESTAMP])
    entries = [entry for entry in found[_SIGNATURE].split(" ") if _V1_SIGNATURE.fullmatch(entry)]
    if not entries:
        raise WebhookSignatureError("webhook-signature holds no v1 signature")
    try:
        _CheckedTimestampWebhook(secret).verify(
            text,
            {_ID: found[_ID], _TIMESTAMP: str(timestamp), _SIGNATURE: " ".join(entries)},
            json_parse=False,
        )
    except WebhookVerificationError:  # ours are the library's too: never re-labelled below
        raise
    except standardwebhooks.WebhookVerificationError:
        which = "the signature does not" if len(entries) == 1 else f"none of the {len(entries)} signatures"
        raise WebhookSignatureError(
            f"webhook-signature: {which} match this body with this secret (a wrong secret, or a changed body: "
            "verify the raw body as received)"
        ) from None
    return text


def _checked_secret(secret: object) -> str:
    """``secret`` if it is ``whsec_`` + Base64 of a non-empty key; a ValidationError that never repeats it."""
    if not isinstance(secret, str):
        raise ValidationError("secret", f"{_SECRET_RULE}, got {type(secret).__name__}")
    key = secret.removeprefix(WEBHOOK_SECRET_PREFIX)
    if key == secret or not _BASE64.fullmatch(key):
        raise ValidationError("secret", _SECRET_RULE)
    try:
        # Padding may be left off, as the library allows.
        decoded = base64.b64decode(key + "=" * (-len(key) % 4), validate=True)
    except binascii.Error:
        decoded = b""
    if not decoded:
        raise ValidationError("secret", _SECRET_RULE)
    return secret


def _header_pairs(headers: object) -> Iterable[Any]:
    for method in ("multi_items", "items"):  # multi_items: httpx and Starlette, with repeated headers apart
        items = getattr(headers, method, None)
        if callable(items):
            return items()  # type: ignore[no-any-return]
    if isinstance(headers, Iterable) and not isinstance(headers, str | bytes | bytearray):
        return headers
    raise ValidationError("headers", f"must be a mapping or (name, value) pairs, got {type(headers).__name__}")


def _webhook_headers(headers: object) -> dict[str, str]:
    """The three signature headers, each present, once, bounded and printable ASCII."""
    found: dict[str, str] = {}
    for pair in _header_pairs(headers):
        try:
            name, value = pair
        except (TypeError, ValueError):
            raise ValidationError("headers", "must be a mapping or (name, value) pairs") from None
        # Length first: no work on a long name; ASCII before lower(): "\u212a".lower() is "k".
        if not isinstance(name, str | bytes) or len(name) not in _HEADER_NAME_LENGTHS or not name.isascii():
            continue
        key = (name.decode("ascii") if isinstance(name, bytes) else name).lower()
        if key not in _HEADER_NAMES:
            continue
        if key in found:
            raise WebhookHeadersError(key, "is sent more than once")
        found[key] = _header_text(key, value)
    missing = [name for name in _HEADER_NAMES if not found.get(name)]
    if len(missing) == len(_HEADER_NAMES):
        raise WebhookHeadersError(_SIGNATURE, "is missing, as are webhook-id and webhook-timestamp: not signed")
    if missing:
        raise WebhookHeadersError(missing[0], "is missing")
    if not _VISIBLE_ASCII.fullmatch(found[_ID]):
        raise WebhookHeadersError(_ID, "is not printable ASCII")
    signature = found[_SIGNATURE]
    if signature.count(" ") >= WEBHOOK_MAX_SIGNATURES:
        raise WebhookHeadersError(_SIGNATURE, f"lists more than {WEBHOOK_MAX_SIGNATURES} signatures")
    if not _SIGNATURE_LIST.fullmatch(signature):
        raise WebhookHeadersError(_SIGNATURE, "is not printable ASCII entries separated by single spaces")
    return found


def _header_text(name: str, value: object) -> str:
    if not isinstance(value, str | bytes | bytearray):
        raise WebhookHeadersError(name, f"is not text ({type(value).__name__})")
    if len(value) > WEBHOOK_MAX_HEADER_CHARS:
        raise WebhookHeadersError(name, f"is longer than {WEBHOOK_MAX_HEADER_CHARS} characters")
    if not value.isascii():
        raise WebhookHeadersError(name, "is not printable ASCII")
    text = value.decode("ascii") if isinstance(value, bytes | bytearray) else value
    return text.strip(" \t")


def _checked_timestamp(header: str) -> int:
    """The timestamp, once within the tolerance of ``_clock``: replay protection."""
    if not _UNIX_SECONDS.fullmatch(header):
        raise WebhookTimestampError("webhook-timestamp is not Unix seconds (ASCII digits)")
    timestamp = int(header)
    age = _clock() - timestamp
    if age > WEBHOOK_TOLERANCE_SECONDS:
        where = f"{age:.0f} s old"
    elif age < -WEBHOOK_TOLERANCE_SECONDS:
        where = f"{-age:.0f} s in the future"
    else:
        return timestamp
    raise WebhookTimestampError(
        f"webhook-timestamp {timestamp} is {where}, outside the {WEBHOOK_TOLERANCE_SECONDS} s tolerance "
        "(a replayed request, or a clock out of sync)",
        timestamp,
    )


def _schema_problem(data: dict[str, Any]) -> tuple[str, str] | None:
    """The most telling way ``data`` breaks the spec's ImageTaskCallback schema, as (rule, path); None if none."""
    spec = load_spec()
    validator = spec.validator(spec.schema_pointer("ImageTaskCallback"))
    # Enum values the spec does not list yet are accepted, as the generated models accept them (forward
    # compatibility: a new task status must not break a callback handler).
    error = best_match(e for e in validator.iter_errors(data) if e.validator != "enum")
    if error is None:
        return None
    where = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            return "is required", ".".join(filter(None, [where, str(missing[0])]))
    return error.message, where


__all__ = ["WebhookHeaders", "parse_callback"]
