"""Where the key pair comes from: explicit arguments first, then the environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ._constants import ACCESS_KEY_ENV, SECRET_KEY_ENV
from ._exceptions import MissingCredentialsError


@dataclass(frozen=True)
class Credentials:
    """An access key and its secret key. The secret never shows in a repr."""

    access_key: str
    secret_key: str = field(repr=False)

    def __post_init__(self) -> None:
        for name, value in (("access_key", self.access_key), ("secret_key", self.secret_key)):
            if not isinstance(value, str):
                raise MissingCredentialsError(f"{name} must be a string, got {type(value).__name__}")
            if not value.strip():
                raise MissingCredentialsError(f"{name} is empty")
            if value != value.strip():
                raise MissingCredentialsError(f"{name} has leading or trailing whitespace (a copy-paste slip?)")
            check_key_text(name, value)

    def __repr__(self) -> str:
        return f"Credentials(access_key={self.access_key!r}, secret_key='***')"


def check_key_text(name: str, value: str) -> None:
    """Refuse a key that cannot be encoded as UTF-8 (signing would raise UnicodeEncodeError).

    A lone surrogate is what a byte that is not UTF-8 in the environment becomes through os.environ. The
    message names the key and where it may come from, never its value.
    """
    if is_utf8_text(value):
        return
    env = SECRET_KEY_ENV if name == "secret_key" else ACCESS_KEY_ENV
    raise MissingCredentialsError(
        f"{name} is not valid text (it holds a byte that is not UTF-8: check ${env} or the argument)"
    )


def is_utf8_text(value: str) -> bool:
    """Whether UTF-8 can encode ``value``: it holds no lone surrogate (the only str it cannot encode).

    Searched, not encoded: a UnicodeEncodeError caught by a caller would stay chained to whatever it raises
    next, holding the whole value (a key) in its .object.
    """
    return _SURROGATE.search(value) is None


_SURROGATE = re.compile("[\ud800-\udfff]")


def resolve_credentials(access_key: str | None = None, secret_key: str | None = None) -> Credentials:
    """Take each key from its argument, else from KLING_ACCESS_KEY / KLING_SECRET_KEY.

    Raises MissingCredentialsError, naming what is missing and where it was looked for,
    before any request is made.
    """
    access = access_key if access_key is not None else os.environ.get(ACCESS_KEY_ENV)
    secret = secret_key if secret_key is not None else os.environ.get(SECRET_KEY_ENV)
    if access is None or secret is None:
        missing = [
            f"{name} (argument or ${env})"
            for name, env, value in (("access_key", ACCESS_KEY_ENV, access), ("secret_key", SECRET_KEY_ENV, secret))
            if value is None
        ]
        raise MissingCredentialsError(
            "Kling API credentials missing: " + ", ".join(missing) + ". Create a key pair on the Kling AI website."
        )
    return Credentials(access, secret)
