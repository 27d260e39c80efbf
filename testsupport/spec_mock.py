"""A respx mock of the Kling API that replays the spec's own examples.

Every request that reaches it is checked against the spec (route, method, parameters,
body schema; for a request with a body also the documented rules the schema cannot express, through
``kling_spec.validate_request_body``, as the SDK and the emulator check them) and its
credentials checked: the JWT verified (``Bearer `` format, signature, claims), or, for a mock
given an ``api_key``, ``Bearer <api key>`` exactly; a request that fails either check raises
``ContractViolation`` inside the client call, so the test fails, and is also recorded in
``violations`` for the fixture's teardown check.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx
from kling_auth import InvalidTokenError, verify_authorization
from kling_spec import MatchedRequest, RequestValidationError, Spec, validate_request_body

BASE_URL = "https://api-singapore.klingai.com"
ACCESS_KEY = "contract-test-access-key"
# 64+ bytes (HS512 forgeries in the tests too) keeps PyJWT's short-HMAC-key warning (an error in this suite) away.
SECRET_KEY = "contract-test-secret-key-0123456789abcdef-0123456789abcdef-0123456789"

# A path parameter of a path template (``{task_id}``).
_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


class ContractViolation(AssertionError):
    """The client sent a request the spec does not allow, or an invalid token."""


@dataclass
class SpecMock:
    """respx router + request validation. ``transport`` plugs into the generated client."""

    spec: Spec
    secret_key: str = field(default=SECRET_KEY, repr=False)
    access_key: str = ACCESS_KEY
    now: float | None = None  # the clock JWTs are checked against; None: real time
    #: When set, the mock expects the static API key mode (``Bearer <api_key>``) instead of a JWT.
    api_key: str | None = field(default=None, repr=False)
    verify_auth: bool = True
    #: Also what the schema cannot say: the bytes of a Base64 ``image`` (False: the schema only,
    #: cross-field rules included, for tests of wire fidelity that feed schema-generated bodies,
    #: whose images are random strings).
    check_rules: bool = True
    router: respx.Router = field(init=False)
    requests: list[MatchedRequest] = field(init=False, default_factory=list)
    raw_requests: list[httpx.Request] = field(init=False, default_factory=list)
    violations: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.router = respx.Router(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def replay(self, operation_id: str, *answers: tuple[int, str], task_id: str | None = None) -> respx.Route:
        """Answer ``operation_id`` with the named spec examples, in order (the last one repeats)."""
        method, template = self.route_of(operation_id)
        path = template.replace("{task_id}", task_id) if task_id else template
        pattern: dict[str, Any] = {"method": method}
        if _PATH_PARAMETER.search(path):
            # respx matches the decoded path, where an escaped "/" in an id is a "/" again.
            literals = _PATH_PARAMETER.split(path)[::2]
            pattern["path__regex"] = "^" + ".+".join(re.escape(literal) for literal in literals) + "$"
        else:
            pattern["path"] = path
        responses = [self.example_response(operation_id, status, name) for status, name in answers]
        sequence: Iterable[httpx.Response] = itertools.chain(responses[:-1], itertools.repeat(responses[-1]))
        return self.router.route(**pattern).mock(side_effect=_copies(sequence))

    def route_of(self, operation_id: str) -> tuple[str, str]:
        """The method and path template of an operation, as the spec states them (KeyError: no such operation)."""
        method, template, _ = self.spec.operation(operation_id)
        return method, template

    def example_response(self, operation_id: str, status: int, name: str) -> httpx.Response:
        examples = self.spec.examples(operation_id, status)
        if name not in examples:
            raise KeyError(f"the spec has no {status} example {name!r} for {operation_id}: {sorted(examples)}")
        return httpx.Response(status, json=examples[name])

    def _handle(self, request: httpx.Request) -> httpx.Response:
        # A snapshot: an auth flow may resend the same Request object with a new header.
        self.raw_requests.append(
            httpx.Request(
                request.method,
                request.url,
                headers=request.headers.copy(),
                content=request.content,
                extensions=dict(request.extensions),
            )
        )
        try:
            matched = self.spec.validate_request(
                request.method,
                request.url.raw_path.decode("ascii").partition("?")[0],
                query=dict(request.url.params),
                content_type=request.headers.get("content-type"),
                body=request.content,
            )
            if self.check_rules and matched.body is not None:
                # The rules of every request body (the image's bytes, the cross-field and x-kling-rules too): the
                # same validator as the SDK and the emulator.
                validate_request_body(matched.body, matched.operation_id, spec=self.spec)
        except RequestValidationError as error:
            return self._violation(f"{request.method} {request.url.path}: {error}")
        if self.verify_auth and self.api_key is not None:
            if request.headers.get("authorization") != f"Bearer {self.api_key}":
                return self._violation(f"{request.method} {request.url.path}: not the expected API key")
        elif self.verify_auth:
            try:
                verify_authorization(
                    request.headers.get("authorization"), self.secret_key, access_key=self.access_key, now=self.now
                )
            except InvalidTokenError as error:
                return self._violation(f"{request.method} {request.url.path}: invalid token: {error}")
        self.requests.append(matched)
        return self.router.handler(request)

    def _violation(self, message: str) -> httpx.Response:
        self.violations.append(message)
        raise ContractViolation(message)


def _copies(responses: Iterable[httpx.Response]) -> Iterator[httpx.Response]:
    # A Response object is consumed once; hand out a fresh one each time.
    for response in responses:
        yield httpx.Response(response.status_code, headers=response.headers, content=response.content)
