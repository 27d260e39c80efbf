"""A session-wide pytest plugin: no secret key and no token in any log record or file written by the suite.

Loaded from the repository's root ``conftest.py``. From the start of the session it sees every log record of
every logger at every level, DEBUG included, without changing what tests and handlers see: loggers report
themselves enabled for every level, so every message is built and shown to the guard, and a record then
reaches the usual handlers only when the logger's real level allows it (a root handler at DEBUG would have
lowered what ``caplog`` and every other handler receive). At the end of the session it also reads every file
under pytest's ``tmp_path`` roots.

What it looks for: every secret the test modules define (module-level strings named ``SECRET``,
``SECRET_KEY``, ``*_SECRET``, ``*_SECRET_KEY``, ``API_KEY`` or ``*_API_KEY``, the demo ones included: a webhook
secret is a ``*_SECRET``, a static API key an ``*_API_KEY``; a ``whsec_`` webhook secret is also looked for as
its Base64 part alone and as the key it decodes to, when that is text), any registered with
:func:`register_secret`, and anything shaped like a JWT (``eyJ...`` ``.`` ...). A hit fails the session with
the list of where it was found. Tests that handle tokens on purpose (``kling auth token``, ``verify_token``)
are fine: only logs and files are searched here; CLI output and exception messages have their own tests.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

#: A JWT, or a piece of one long enough to matter: a base64url JSON header, a dot, more.
TOKEN_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{2,}")
_TOKEN_BYTES = re.compile(TOKEN_PATTERN.pattern.encode())
_SECRET_NAME = re.compile(r"(?:^|_)(?:SECRET(?:_KEY)?|API_KEY)$")
#: Shorter strings would match by accident.
MIN_SECRET_CHARS = 12
#: A Standard Webhooks secret starts so; the rest is the Base64 of the HMAC key.
WEBHOOK_SECRET_PREFIX = "whsec_"
#: Files larger than this are read only this far (an image is never a secret's home).
MAX_FILE_BYTES = 20 * 1024 * 1024
_MAX_FINDINGS_SHOWN = 30


@dataclass
class Guard:
    """Known secrets, and what was found where."""

    secrets: set[str] = field(default_factory=set)
    findings: list[str] = field(default_factory=list)
    where: str = "(outside any test)"
    records_seen: int = 0

    def add_secret(self, value: str) -> None:
        if isinstance(value, str) and len(value) >= MIN_SECRET_CHARS:
            self.secrets.add(value)
            self.secrets.update(form for form in _webhook_key_forms(value) if len(form) >= MIN_SECRET_CHARS)

    def leaks(self, text: str) -> list[str]:
        """What in ``text`` is a secret or a token (described, never quoted)."""
        found = [f"secret key {_label(secret)}" for secret in sorted(self.secrets) if secret in text]
        found += [f"token {_label(match.group())}" for match in TOKEN_PATTERN.finditer(text)]
        return found

    def check_record(self, record: logging.LogRecord) -> None:
        self.records_seen += 1
        try:
            text = record.getMessage()
        except Exception as error:  # a broken format string is the logging call's problem, not a leak
            text = f"{record.msg!r} {type(error).__name__}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f"\n{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        if record.stack_info:
            text += "\n" + record.stack_info
        for leak in self.leaks(text):
            self.findings.append(f"log {record.name} {record.levelname} in {self.where}: {leak}")

    def check_files(self, root: Path) -> None:
        needles = {secret: _encoded(secret) for secret in self.secrets}
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            with path.open("rb") as handle:
                content = handle.read(MAX_FILE_BYTES)
            found = [f"secret key {_label(secret)}" for secret, needle in needles.items() if needle in content]
            found += [f"token {_label(match.group().decode())}" for match in _TOKEN_BYTES.finditer(content)]
            self.findings.extend(f"file {path}: {leak}" for leak in found)


def _webhook_key_forms(value: str) -> list[str]:
    """A webhook secret's other spellings: the Base64 after ``whsec_``, and the key it decodes to when text."""
    if not value.startswith(WEBHOOK_SECRET_PREFIX):
        return []
    encoded = value[len(WEBHOOK_SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        return [encoded]
    text = key.decode("ascii", "replace")
    return [encoded, text] if key.isascii() and text.isprintable() else [encoded]


def _label(value: str) -> str:
    # Enough to recognise it, never the whole value.
    return f"{value[:6]}...({len(value)} chars)"


def _encoded(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


# -- the logging hook ---------------------------------------------------------------------------------------------

_ACTIVE: list[Guard] = []
_original_is_enabled_for = logging.Logger.isEnabledFor
_original_handle = logging.Logger.handle


def _is_enabled_for(self: logging.Logger, level: int) -> bool:
    # Every message is built while a guard listens; _handle drops what the logger's level would have.
    return True if _ACTIVE else _original_is_enabled_for(self, level)


def _handle(self: logging.Logger, record: logging.LogRecord) -> None:
    for guard in list(_ACTIVE):
        guard.check_record(record)
    if _original_is_enabled_for(self, record.levelno):
        _original_handle(self, record)


def _install() -> None:
    logging.Logger.isEnabledFor = _is_enabled_for  # type: ignore[method-assign]
    logging.Logger.handle = _handle  # type: ignore[method-assign]


@contextmanager
def listening(guard: Guard) -> Iterator[Guard]:
    """Show ``guard`` every log record while the block runs (the session guard listens all along)."""
    _install()
    _ACTIVE.append(guard)
    try:
        yield guard
    finally:
        _ACTIVE.remove(guard)


# -- secrets the suite defines ---------------------------------------------------------------------------------

SESSION_GUARD = Guard()


def register_secret(value: str) -> None:
    """Add a secret the session guard must never find in a log or a file (register it before using it)."""
    SESSION_GUARD.add_secret(value)


def secrets_of(modules: Iterable[ModuleType]) -> set[str]:
    """Module-level strings named like a secret key (SECRET_KEY, DEMO_SECRET_KEY, OTHER_SECRET...)."""
    found: set[str] = set()
    for module in modules:
        for name, value in list(vars(module).items()):
            if _SECRET_NAME.search(name) and isinstance(value, str) and len(value) >= MIN_SECRET_CHARS:
                found.add(value)
    return found


def _project_modules(root: Path) -> list[ModuleType]:
    venv = root / ".venv"
    modules = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        resolved = Path(path).resolve()
        if resolved.is_relative_to(root) and not resolved.is_relative_to(venv):
            modules.append(module)
    return modules


# -- pytest hooks ---------------------------------------------------------------------------------------------------

_listening: Any = None


def pytest_configure(config: pytest.Config) -> None:
    global _listening
    if _listening is None:
        _listening = listening(SESSION_GUARD)
        _listening.__enter__()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _listening
    if _listening is not None:
        _listening.__exit__(None, None, None)
        _listening = None


def pytest_collection_finish(session: pytest.Session) -> None:
    for secret in secrets_of(_project_modules(Path(str(session.config.rootpath)).resolve())):
        SESSION_GUARD.add_secret(secret)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    SESSION_GUARD.where = item.nodeid
    try:
        return (yield)
    finally:
        SESSION_GUARD.where = "(between tests)"


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = getattr(factory, "_basetemp", None)
    if basetemp is not None and Path(basetemp).is_dir():
        SESSION_GUARD.check_files(Path(basetemp))
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # a pytest-xdist worker: the controller reports what each worker found
        worker_output[_WORKER_FINDINGS] = list(SESSION_GUARD.findings)
    if SESSION_GUARD.findings and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_WORKER_FINDINGS = "secret_guard_findings"


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist's controller: a worker's findings become the session's (its exit status, its summary)."""
    SESSION_GUARD.findings.extend(getattr(node, "workeroutput", {}).get(_WORKER_FINDINGS, []))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    findings = SESSION_GUARD.findings
    if not findings:
        return
    terminalreporter.write_sep("=", f"secret guard: {len(findings)} secret(s) or token(s) in logs or files", red=True)
    for finding in findings[:_MAX_FINDINGS_SHOWN]:
        terminalreporter.write_line(finding)
    if len(findings) > _MAX_FINDINGS_SHOWN:
        terminalreporter.write_line(f"... and {len(findings) - _MAX_FINDINGS_SHOWN} more")
