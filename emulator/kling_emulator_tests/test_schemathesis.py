"""Schemathesis against the emulator, in process: the spec's promises hold for any request.

Phases: examples, coverage and fuzzing (positive and negative data) per operation, then the
stateful phase following the spec's link createImageTask -> getImageTask.

Only the three operations of /v1/images/generations: the emulator serves /v1/images/generations; the other
endpoints are checked against the spec mock until it serves them (contract_tests/test_client_contract.py replays
every documented answer of every operation to the generated client). schemathesis.toml turns them off
(``[[operations]]`` with ``enabled = false``), for this suite and the CLI alike;
test_the_operations_left_out_are_in_the_spec_and_not_served_yet fails once the emulator serves one of them, or once
one of them is no longer in the spec, so that the list cannot rot.

Checks used: not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance, response_headers_conformance, positive_data_acceptance,
negative_data_rejection, missing_required_header, ignored_auth, use_after_free and
ensure_resource_availability (the last two only fire along links; there is no DELETE, so
use_after_free can never trip).

The documented divergences between "schema-valid" and "accepted" (an unknown task id, a duplicate
external_task_id, an image that is no image: 400/1201; a wrong method: 404/1202, so no
unsupported_method) are stated once, in the repository's schemathesis.toml, which this suite reads
as `schemathesis run` does. The cross-field rules are in the spec itself, so every other schema-valid
request must be accepted. Stricter here than the CLI: a schema-valid request refused with 400 must
be refused for one of those documented reasons (its message says which).

Not used: max_response_time (a performance budget, not part of the contract) and
object_level_authorization (needs two identities that must not see each other's tasks; all keys of
an account share its tasks and its quota, so the emulator has one account).

Fast and deterministic by default (derandomized, few examples, no deadline);
``KLING_CONTRACT_PROFILE=deep`` (``make contract-deep``) runs many more.
"""

from __future__ import annotations

import json
import os
import re
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import hypothesis
import pytest
import schemathesis
from kling_auth import sign_token
from kling_emulator import Emulator, create_app
from kling_spec import SPEC_PATH
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi import checks as openapi_checks

from .conftest import ACCESS_KEY, SECRET_KEY, CapturedCallbacks

DEEP = os.environ.get("KLING_CONTRACT_PROFILE") == "deep"
MAX_EXAMPLES = 300 if DEEP else 25
STATEFUL_EXAMPLES = 100 if DEEP else 8
STATEFUL_STEPS = 12 if DEEP else 6

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.positive_data_acceptance,
    openapi_checks.negative_data_rejection,
    openapi_checks.missing_required_header,
    openapi_checks.ignored_auth,
    openapi_checks.use_after_free,
    openapi_checks.ensure_resource_availability,
]

# The documented divergences, as the schemathesis CLI reads them from the repository root.
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "schemathesis.toml"
with SETTINGS_FILE.open("rb") as settings_file:
    SHARED_SETTINGS = tomllib.load(settings_file)

# Why a schema-valid request may be refused with 400, per operation: the reasons schemathesis.toml states.
DOCUMENTED_REFUSALS: dict[str, re.Pattern[str]] = {
    "POST /v1/images/generations": re.compile(
        r"^body\.image: |^body\.external_task_id: duplicate external_task_id|\(the emulator's limit\)$"
        r"|^body\.\w+: (?:.* )?is not supported by kling-"
        r"|^The model '.*' has been discontinued and is no longer available\.$"
        r"|^body\.[^:]*: is an integer out of range \(beyond 64 bits\)$"
    ),
    "GET /v1/images/generations/{task_id}": re.compile(r"^Task not found by id/external id: "),
}
# Why a schema-valid request may answer 404, per operation: a model the service does not have (the spec's
# NotFound example), as schemathesis.toml states.
UNKNOWN_MODEL = re.compile(r"^requested resource does not exist: model ")
DOCUMENTED_NOT_FOUND: dict[str, re.Pattern[str]] = {
    "POST /v1/images/generations": UNKNOWN_MODEL,
}

CONFIG = SchemathesisConfig.from_dict(
    {
        **SHARED_SETTINGS,
        "seed": 20240601,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": STATEFUL_STEPS},
        },
    }
)

# Every callback_url schemathesis invents is either skipped (not loopback) or lands here:
# nothing ever reaches the network. The quota is far above what a run can create.
CALLBACKS = CapturedCallbacks()
# Tasks end at once, so every query answers the fullest shape (results, watermark URLs...),
# whatever the timing, and the quota can never fill up.
APP = create_app(
    keys={ACCESS_KEY: SECRET_KEY},
    slots=1_000_000,
    processing_after=0,
    succeed_after=0,
    callback_transport=CALLBACKS.transport,
)
EMULATOR: Emulator = APP.state.emulator

schema = schemathesis.openapi.from_path(SPEC_PATH, config=CONFIG)
schema.app = APP

CREATE = "POST /v1/images/generations"
QUERY_PATH = "/v1/images/generations/{task_id}"
CASES: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()


@schema.auth()
class KlingJWT:
    """A fresh, valid token per case (schemathesis leaves it out for its auth probes)."""

    def get(self, case: Any, ctx: Any) -> str:
        return sign_token(ACCESS_KEY, SECRET_KEY)

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    print(  # shown with -s: how much was actually exercised
        f"\nschemathesis: {sum(CASES.values())} cases in {elapsed:.1f} s {dict(CASES)}; statuses {dict(STATUSES)};"
        f" tasks created {len(EMULATOR.tasks)}; callbacks captured {len(CALLBACKS.requests)}"
    )


def _fresh_account() -> None:
    """Every case and scenario starts from the same account: one finished task with two images
    (whose callbacks, to loopback, the capturing transport receives).

    Hypothesis replays cases; a task (or external_task_id) left over from an earlier one would
    change what a replay gets back, and a list that is always empty would test little.
    """
    EMULATOR.reset()
    seed = {
        "prompt": "seed",
        "n": 2,
        "external_task_id": "seed-task",
        "watermark_info": {"enabled": True},
        "callback_url": "http://127.0.0.1:9/seed-callback",
    }
    EMULATOR.create_task(seed, base_url="http://testserver")


def _record(label: str, response: Any) -> None:
    CASES[label] += 1
    STATUSES[response.status_code] += 1


OPERATION_IDS = ("createImageTask", "getImageTask", "listImageTasks")


def _only(operation_id: str) -> BaseSchema:
    # `exclude`, not `include`: with [[operations]] in its config, schemathesis 4.32.5 ignores include().
    return schema.exclude(operation_id=[other for other in OPERATION_IDS if other != operation_id])


# One test per operation: the items schemathesis makes of one parametrized test share a node id, and
# pytest-xdist would run only the first of them.
@_only("createImageTask").parametrize()
def test_the_create_keeps_the_contract(case: Any) -> None:
    _keeps_the_contract(case)


@_only("getImageTask").parametrize()
def test_the_query_keeps_the_contract(case: Any) -> None:
    _keeps_the_contract(case)


@_only("listImageTasks").parametrize()
def test_the_list_keeps_the_contract(case: Any) -> None:
    _keeps_the_contract(case)


def test_each_test_above_covers_one_operation() -> None:
    def operation_ids(selected: Any) -> list[str]:
        return sorted(result.ok().definition.raw["operationId"] for result in selected.get_all_operations())

    for operation_id in OPERATION_IDS:
        assert operation_ids(_only(operation_id)) == [operation_id]
    assert operation_ids(schema) == sorted(OPERATION_IDS)


# The required query parameters of an operation schemathesis.toml leaves out: the window of the spec's documented
# getAccountCosts answer (Unix milliseconds).
PROBE_QUERY: dict[str, int] = {"start_time": 1726124664368, "end_time": 1727366400000}


def _left_out(settings: dict[str, Any]) -> set[str]:
    """The operations schemathesis.toml turns off: ``[[operations]]`` entries with ``enabled = false``."""
    left_out: set[str] = set()
    for entry in settings.get("operations", []):
        if entry.get("enabled", True) is False:
            # Named by operationId: another filter here would need its own reading.
            assert set(entry) == {"include-operation-id", "enabled"}, f"not an operationId list: {sorted(entry)}"
            names = entry["include-operation-id"]
            left_out.update([names] if isinstance(names, str) else names)
    return left_out


async def _probe(operation_id: str, task_id: str) -> httpx.Response:
    """A valid request to ``operation_id`` (its first request example, if it takes a body), sent to the emulator."""
    method, template, operation = EMULATOR.spec.operation(operation_id)
    path = template.replace("{task_id}", quote(task_id, safe=""))
    assert "{" not in path, f"{operation_id}: a path parameter the probe does not fill: {template}"
    query = {}
    for raw in operation.get("parameters", []):
        parameter = EMULATOR.spec.resolve(raw)
        if parameter["in"] == "query" and parameter.get("required"):
            query[parameter["name"]] = PROBE_QUERY[parameter["name"]]
    body = None
    if "requestBody" in operation:
        examples = operation["requestBody"]["content"]["application/json"]["examples"]
        body = next(iter(examples.values()))["value"]
    token = sign_token(ACCESS_KEY, SECRET_KEY)
    # In process, without the app's lifespan (so no ticker), as schemathesis calls it.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(APP), base_url="http://testserver") as client:
        return await client.request(method, path, params=query, json=body, headers={"Authorization": f"Bearer {token}"})


async def test_the_operations_left_out_are_in_the_spec_and_not_served_yet() -> None:
    """What schemathesis.toml leaves out is exactly what the emulator does not serve yet (404/1203) of the spec.

    The same probe is a valid request: the operations the emulator serves answer it 200.
    """
    spec_ids = {operation["operationId"] for _, _, operation in EMULATOR.spec.operations()}
    left_out = _left_out(SHARED_SETTINGS)
    assert left_out - spec_ids == set(), "schemathesis.toml leaves out operations the spec no longer has"
    assert left_out.isdisjoint(OPERATION_IDS), "an operation this suite tests is also left out"
    assert left_out | set(OPERATION_IDS) == spec_ids, "every operation of the spec is either tested or left out"

    _fresh_account()
    seeded = EMULATOR.create_task({"prompt": "probe"}, base_url="http://testserver").task_id
    for operation_id in OPERATION_IDS:
        served = await _probe(operation_id, seeded)
        assert served.status_code == 200, f"{operation_id}: the probe is no valid request: {served.text}"
    for operation_id in sorted(left_out):
        answer = await _probe(operation_id, seeded)
        message = str(answer.json().get("message"))
        # 404/1203 for the model of the example (the spec's NotFound answer) would be a handler answering.
        not_served = (answer.status_code, answer.json().get("code")) == (404, 1203) and not UNKNOWN_MODEL.search(
            message
        )
        assert not_served, (
            f"the emulator serves {operation_id} now ({answer.status_code}: {answer.text[:200]}): take it out of the "
            "[[operations]] that schemathesis.toml turns off, and give it a test here"
        )


def _keeps_the_contract(case: Any) -> None:
    _fresh_account()
    response = case.call_and_validate(checks=CHECKS)
    _record(case.operation.label, response)
    _assert_a_refusal_is_documented(case, response)
    if case.operation.label == CREATE and response.status_code == 200:
        # The spec's link, for every accepted create of every phase (coverage included): the
        # task it made must query back as documented, results and all (it ends at once).
        follow = schema[QUERY_PATH]["GET"].Case(
            path_parameters={"task_id": response.json()["data"]["task_id"]},
            headers={"Authorization": f"Bearer {sign_token(ACCESS_KEY, SECRET_KEY)}"},
        )
        followed = follow.call_and_validate(checks=CHECKS)
        _record("linked " + follow.operation.label, followed)
        _assert_is_the_created_task(followed, follow.path_parameters["task_id"])


def _assert_a_refusal_is_documented(case: Any, response: Any) -> None:
    # positive_data_acceptance lets 400 (and 404) through for the operations of schemathesis.toml; here the
    # message must also say it is one of the reasons stated there.
    if response.status_code not in (400, 404) or case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code == 404:
        known = DOCUMENTED_NOT_FOUND.get(case.operation.label)
        message = response.json()["message"]
        assert known is not None, f"{case.operation.label} answered 404 to a schema-valid request: {message}"
        assert known.search(message), f"{case.operation.label} answered 404 for an undocumented reason: {message}"
        return
    reasons = DOCUMENTED_REFUSALS.get(case.operation.label)
    message = response.json()["message"]
    assert reasons is not None, f"{case.operation.label} refused a schema-valid request: {message}"
    assert reasons.search(message), (
        f"{case.operation.label} refused a schema-valid request for an undocumented reason: {message}"
    )


def _assert_is_the_created_task(response: Any, task_id: str) -> None:
    # No schemathesis check says "what was just created can be queried": a 400 would pass
    # them all (ensure_resource_availability only looks at 404s).
    assert response.status_code == 200, f"created task {task_id} cannot be queried: {response.text}"
    assert response.json()["data"]["task_id"] == task_id


class EmulatorStateMachine(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        _fresh_account()
        self.created: set[str] = set()

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
        _record("stateful " + case.operation.label, response)
        case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder)
        _assert_a_refusal_is_documented(case, response)
        if case.operation.label == CREATE and response.status_code == 200:
            self.created.add(response.json()["data"]["task_id"])
        elif (
            case.operation.path == QUERY_PATH
            and case.path_parameters.get("task_id") in self.created
            and case.meta is not None
            and case.meta.generation.mode.is_positive  # negative cases may drop the token
        ):
            _assert_is_the_created_task(response, case.path_parameters["task_id"])


TestStatefulLinks = EmulatorStateMachine.TestCase
TestStatefulLinks.settings = hypothesis.settings(
    max_examples=STATEFUL_EXAMPLES,
    stateful_step_count=STATEFUL_STEPS,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


def test_the_run_exercised_what_it_claims() -> None:
    """Runs last in the module: the phases above really sent requests, of every kind."""
    assert sum(CASES.values()) > 50
    for label in ("POST /v1/images/generations", "GET /v1/images/generations", "GET /v1/images/generations/{task_id}"):
        assert CASES[label] > 0, label
    assert any(label.startswith("stateful") for label in CASES)
    assert {200, 400, 401} <= set(STATUSES)
    assert CALLBACKS.requests
    # Every callback that went anywhere went to loopback, and is the documented payload.
    validator = EMULATOR.spec.validator(EMULATOR.spec.schema_pointer("ImageTaskCallback"))
    for request in CALLBACKS.requests:
        assert request.url.host in ("localhost", "127.0.0.1", "::1") or request.url.host.startswith("127.")
        assert not list(validator.iter_errors(json.loads(request.content)))
