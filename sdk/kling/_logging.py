"""The ``kling`` logger: one info line per request; retries and poll decisions at debug.

Only methods, paths, statuses, request ids, timings and decisions are logged: never a header, a key, a
token or a request/response body (an image payload is a body).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from ._constants import LOG_LEVEL_ENV, LOGGER_NAME
from ._errors import inert

logger = logging.getLogger(LOGGER_NAME)

_LEVELS = {"info": logging.INFO, "debug": logging.DEBUG}


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler KLING_LOG installs; marked so that building many clients installs it once."""


def configure_from_env() -> None:
    """KLING_LOG=info|debug: send the ``kling`` logger to stderr at that level. Anything else: leave it alone."""
    level = _LEVELS.get(os.environ.get(LOG_LEVEL_ENV, "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(handler, _EnvHandler) for handler in logger.handlers):
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


#: A request's path for a log line, or what builds it (built only when the line is logged: encoding costs).
Path = str | Callable[[], str]


def _path(path: Path) -> str:
    return path if isinstance(path, str) else path()


def log_response(method: str, path: Path, status: int | None, request_id: str | None, elapsed_ms: float) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    # The request id is the server's text: made inert (one line, escaped, cut) before it reaches a log line.
    shown = None if request_id is None else inert(request_id, 100)
    logger.info(
        "%s %s -> %s request_id=%s %.0f ms",
        method,
        _path(path),
        status if status is not None else "-",
        shown,
        elapsed_ms,
    )


def log_failure(method: str, path: Path, error: BaseException, elapsed_ms: float) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    # The error's own message never holds a secret (see _errors), so it may be logged.
    logger.info("%s %s failed after %.0f ms: %s: %s", method, _path(path), elapsed_ms, type(error).__name__, error)


def log_retry(what: str, attempt: int, delay: float, error: BaseException) -> None:
    logger.debug(
        "retrying %s (attempt %d) in %.2f s after %s: %s", what, attempt + 1, delay, type(error).__name__, error
    )


def log_decision(message: str, *args: object) -> None:
    logger.debug(message, *args)


def log_warning(message: str, *args: object) -> None:
    """Something the caller should know but the server decides (a model's capability, an unknown model)."""
    logger.warning(message, *args)
