"""Schemathesis against the emulator, in process: the spec's promises hold for any request, on every operation.

Phases: examples, coverage and fuzzing (positive and negative data) per operation, then the stateful phase
following the spec's links (each create -> its query).

Every operation of the spec: the emulator serves them all, and schemathesis.toml turns none off. It may turn one
off (``[[operations]]`` with ``enabled = false``) only while the emulator does not serve it:
test_no_operation_is_left_out_without_reason fails otherwise, and fails for an operation of the spec this suite
neither tests nor leaves out, so that the selection cannot rot.

Checks used: not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance, response_headers_conformance, positive_data_acceptance,
negative_data_rejection, missing_required_header, ignored_auth, use_after_free and
ensure_resource_availability (the last two only fire along links; there is no DELETE method, so
use_after_free can never trip).

The documented divergences between "schema-valid" and "accepted" (an unknown task id, a duplicate
external_task_id, an image that is no image, an outpainting beyond 3 times the area, a cursor no answer gave:
400/1201; an unknown element: 404/1203; a wrong method: 404/1202, so no unsupported_method) are stated once, in
the repository's schemathesis.toml, which this suite reads as `schemathesis run` does. The cross-field rules are
in the spec itself, so every other schema-valid request must be accepted. Stricter here than the CLI: a
schema-valid request refused with 400 or 404 must be refused for one of those documented reasons (its message
says which).

Not used: max_response_time (a performance budget, not part of the contract) and
object_level_authorization (needs two identities that must not see each other's tasks; all keys of
an account share its tasks and its quota, so the emulator has one account). The 1 request a second of
GET /account/costs (its x-kling-rate-limit) is off here: every case must reach the operation
(test_account.py holds the emulator to the limit).

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
from kling_emulator._endpoints import BY_CREATE, TASK_ENDPOINTS
from kling_spec import SPEC_PATH
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi import checks as openapi_checks

from .conftest import ACCESS_KEY, SECRET_KEY, CapturedCallbacks

DEEP = os.environ.get("KLING_CONTRACT_PROFILE") == "deep"
MAX_EXAMPLES = 300 if DEEP else 12
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
IMAGE_OR_LIMIT = (
    r"^body\.[\w.]*image[\w.]*: |^body\.external_task_id: duplicate external_task_id|\(the emulator's limit\)$"
    r"|^body\.[^:]*: is an integer out of range \(beyond 64 bits\)$"
)
CAPABILITY = r"|^body\.\w+: (?:.* )?is not supported by kling-"
NOT_FOUND_BY_ID = re.compile(r"^Task not found by id/external id: ")
DOCUMENTED_REFUSALS: dict[str, re.Pattern[str]] = {
    "POST /v1/images/generations": re.compile(
        IMAGE_OR_LIMIT + CAPABILITY + r"|^The model '.*' has been discontinued and is no longer available\.$"
    ),
    "POST /v1/images/omni-image": re.compile(IMAGE_OR_LIMIT + CAPABILITY),
    "POST /v1/images/multi-image2image": re.compile(IMAGE_OR_LIMIT),
    "POST /v1/images/editing/expand": re.compile(
        IMAGE_OR_LIMIT + r"|^body: the expansion ratios make the result .* times the original's area, more than 3 "
    ),
    "POST /v1/general/ai-multi-shot": re.compile(IMAGE_OR_LIMIT),
    "POST /v1/general/advanced-custom-elements": re.compile(IMAGE_OR_LIMIT),
    "POST /v1/general/delete-elements": re.compile(r"^body\.element_id: \d+ is a preset element"),
    "POST /account/billing/balance": re.compile(
        r"^body\.cursor: is not a next_cursor|^body\.end_time: must be after body\.start_time$"
        r"|^body\.[^:]*: is an integer out of range \(beyond 64 bits\)$"
    ),
    **{f"GET {endpoint.path}/{{task_id}}": NOT_FOUND_BY_ID for endpoint in TASK_ENDPOINTS},
}
DOCUMENTED_REFUSALS["POST /account/billing/package"] = DOCUMENTED_REFUSALS["POST /account/billing/balance"]
# Why a schema-valid request may answer 404, per operation: a model the service does not have (the spec's
# NotFound example), an element the account does not have; as schemathesis.toml states.
UNKNOWN_MODEL = re.compile(r"^requested resource does not exist: model ")
DOCUMENTED_NOT_FOUND: dict[str, re.Pattern[str]] = {
    "POST /v1/images/generations": UNKNOWN_MODEL,
    "POST /v1/images/omni-image": UNKNOWN_MODEL,
    "POST /v1/images/multi-image2image": UNKNOWN_MODEL,
    "POST /v1/general/delete-elements": re.compile(r"^requested resource does not exist: element "),
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
    qps_limits=False,
)
EMULATOR: Emulator = APP.state.emulator

schema = schemathesis.openapi.from_path(SPEC_PATH, config=CONFIG)
schema.app = APP

# Each create (its label) -> the path of its query, which the spec's link follows.
QUERY_PATHS = {f"POST {endpoint.path}": f"{endpoint.path}/{{task_id}}" for endpoint in TASK_ENDPOINTS}
CASES: Counter[str] = Counter()
#: (operation label, status) -> answers.
STATUSES: Counter[tuple[str, int]] = Counter()


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
        f"\nschemathesis: {sum(CASES.values())} cases in {elapsed:.1f} s {dict(CASES)};"
        f" statuses {dict(Counter(status for _, status in STATUSES.elements()))};"
        f" tasks created {len(EMULATOR.tasks)}; callbacks captured {len(CALLBACKS.requests)}"
    )


# A task of each endpoint, finished at once: lists and queries have something to show, results and all. Their
# callbacks (to loopback) land in CALLBACKS, each at a path naming its create, whose callback schema it must follow.
SEEDS: dict[str, dict[str, Any]] = {
    "createImageTask": {"prompt": "seed", "n": 2, "watermark_info": {"enabled": True}},
    "createOmniImageTask": {
        "model_name": "kling-v3-omni",
        "prompt": "seed",
        "image_list": [{"image": "https://example.com/seed.png"}],
        "result_type": "series",
        "series_amount": "auto",
        "watermark_info": {"enabled": True},
    },
    "createMultiImageToImageTask": {"subject_image_list": [{"subject_image": "https://example.com/seed.png"}]},
    "createExpandImageTask": {
        "image": "https://example.com/seed.png",
        **{f"{side}_expansion_ratio": 0.25 for side in ("up", "down", "left", "right")},
    },
    "createMultiShotTask": {"element_frontal_image": "https://example.com/seed.png"},
    "createElementTask": {
        "element_name": "Seed",
        "element_description": "seed",
        "reference_type": "image_refer",
        "element_image_list": {
            "frontal_image": "https://example.com/seed-front.png",
            "refer_images": [{"image_url": "https://example.com/seed-side.png"}],
        },
        "tag_list": [{"tag_id": "o_108"}],
    },
}
CALLBACK_ROOT = "http://127.0.0.1:9/"
# The seeds of one account in this many carry a callback_url: enough callbacks of each kind to check, without
# sending thousands (each seed's three statuses, at every case). RESETS counts the accounts of the current test.
CALLBACK_EVERY = 20
RESETS = Counter[str]()


def _fresh_account() -> None:
    """Every case and scenario starts from the same account: one finished task of each endpoint (the first with
    the external_task_id "seed-task").

    Hypothesis replays cases; a task (or external_task_id) left over from an earlier one would
    change what a replay gets back, and a list that is always empty would test little.
    """
    EMULATOR.reset()
    RESETS["accounts"] += 1
    # One account in CALLBACK_EVERY, and each until a callback went out in this test (a stateful scenario may
    # send no request at all).
    with_callbacks = RESETS["accounts"] % CALLBACK_EVERY == 1 or len(CALLBACKS.requests) == RESETS["callbacks before"]
    for operation, body in SEEDS.items():
        extra = {"external_task_id": "seed-task"} if operation == "createImageTask" else {}
        if with_callbacks:
            extra["callback_url"] = CALLBACK_ROOT + operation
        EMULATOR.create_task({**body, **extra}, base_url="http://testserver", operation=operation)


def _record(label: str, response: Any) -> None:
    CASES[label] += 1
    STATUSES[(label.removeprefix("linked ").removeprefix("stateful "), response.status_code)] += 1


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


# Every operation of the spec, but those schemathesis.toml turns off (none: see test_no_operation_is_left_out_...).
OPERATION_IDS: tuple[str, ...] = tuple(
    operation["operationId"]
    for _, _, operation in EMULATOR.spec.operations()
    if operation["operationId"] not in _left_out(SHARED_SETTINGS)
)


def _only(operation_id: str) -> BaseSchema:
    # `exclude`, not `include`: with [[operations]] in its config, schemathesis 4.32.5 ignores include().
    return schema.exclude(operation_id=[other for other in OPERATION_IDS if other != operation_id])


def _contract_test(operation_id: str) -> Any:
    def test(case: Any) -> None:
        _keeps_the_contract(case)

    test.__name__ = test.__qualname__ = f"test_{operation_id}_keeps_the_contract"
    return _only(operation_id).parametrize()(test)


# One test per operation: the items schemathesis makes of one parametrized test share a node id, and
# pytest-xdist would run only the first of them.
for _operation_id in OPERATION_IDS:
    globals()[f"test_{_operation_id}_keeps_the_contract"] = _contract_test(_operation_id)


def test_each_test_above_covers_one_operation() -> None:
    def operation_ids(selected: Any) -> list[str]:
        return sorted(result.ok().definition.raw["operationId"] for result in selected.get_all_operations())

    for operation_id in OPERATION_IDS:
        assert operation_ids(_only(operation_id)) == [operation_id]
        assert callable(globals()[f"test_{operation_id}_keeps_the_contract"])
    assert operation_ids(schema) == sorted(OPERATION_IDS)


# The required query parameters of an operation: the window of the spec's documented getAccountCosts answer
# (Unix milliseconds).
PROBE_QUERY: dict[str, int] = {"start_time": 1726124664368, "end_time": 1727366400000}
#: What the emulator answers an operation of the spec it has no handler for.
NOT_SERVED = re.compile(r"^requested resource does not exist: no handler for ")


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


async def test_no_operation_is_left_out_without_reason() -> None:
    """schemathesis.toml may turn off an operation of the spec only while the emulator does not serve it; every
    other operation is tested here.

    The probe is a valid request (the operation's first request example): an operation the emulator serves answers
    it, one it does not answers 404/1203 "no handler". Today none is left out.
    """
    spec_ids = {operation["operationId"] for _, _, operation in EMULATOR.spec.operations()}
    left_out = _left_out(SHARED_SETTINGS)
    assert left_out - spec_ids == set(), "schemathesis.toml leaves out operations the spec no longer has"
    assert left_out.isdisjoint(OPERATION_IDS), "an operation this suite tests is also left out"
    assert left_out | set(OPERATION_IDS) == spec_ids, "every operation of the spec is either tested or left out"
    assert len(spec_ids) == 23

    _fresh_account()
    answers: dict[str, httpx.Response] = {}
    for operation_id in sorted(spec_ids):
        created = EMULATOR.create_task(
            SEEDS.get(_create_of(operation_id), SEEDS["createImageTask"]),
            base_url="http://testserver",
            operation=_create_of(operation_id) if _create_of(operation_id) in SEEDS else "createImageTask",
        )
        answers[operation_id] = await _probe(operation_id, created.task_id)
    for operation_id, answer in answers.items():
        served = not NOT_SERVED.search(str(answer.json().get("message")))
        if operation_id in left_out:
            assert not served, (
                f"the emulator serves {operation_id} now ({answer.status_code}: {answer.text[:200]}): take it out of "
                "the [[operations]] that schemathesis.toml turns off; this suite then tests it"
            )
        else:
            assert served, f"{operation_id} is tested here but the emulator does not serve it: {answer.text[:200]}"
    # The probes are valid requests: the operations served answer them (deleteElement's example names no element
    # of this account: the documented 404/1203).
    refused = {
        operation_id: answer.status_code
        for operation_id, answer in answers.items()
        if answer.status_code != 200 and operation_id not in left_out
    }
    assert refused == {"deleteElement": 404}, {op: answers[op].text[:200] for op in refused}


def _create_of(operation_id: str) -> str:
    """The create of the task endpoint ``operation_id`` belongs to ("" for another operation)."""
    for endpoint in TASK_ENDPOINTS:
        if operation_id in (endpoint.create, endpoint.get, endpoint.list):
            return endpoint.create
    return ""


def _keeps_the_contract(case: Any) -> None:
    _fresh_account()
    response = case.call_and_validate(checks=CHECKS)
    _record(case.operation.label, response)
    _assert_a_refusal_is_documented(case, response)
    query_path = QUERY_PATHS.get(case.operation.label)
    if query_path is not None and response.status_code == 200:
        # The spec's link, for every accepted create of every phase (coverage included): the
        # task it made must query back as documented, results and all (it ends at once).
        follow = schema[query_path]["GET"].Case(
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
        if case.operation.label in QUERY_PATHS and response.status_code == 200:
            self.created.add(response.json()["data"]["task_id"])
        elif (
            case.operation.path in QUERY_PATHS.values()
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


#: The operation each contract test runs, by the test's name.
CONTRACT_TESTS = {f"test_{operation_id}_keeps_the_contract": operation_id for operation_id in OPERATION_IDS}


@pytest.fixture(autouse=True)
def _each_test_exercised_what_it_claims(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test of schemathesis's, on whichever worker ran it: the phases really sent requests of its
    operation, answered as they should be at least once; a create's link was followed; every callback sent went to
    loopback and is the documented payload."""
    RESETS.clear()  # the first accounts of each test send their seeds' callbacks
    RESETS["callbacks before"] = len(CALLBACKS.requests)
    cases, statuses, sent = Counter(CASES), Counter(STATUSES), len(CALLBACKS.requests)
    yield
    ran = CASES - cases
    if request.node.name in CONTRACT_TESTS:
        _assert_exercised(CONTRACT_TESTS[request.node.name], ran, STATUSES - statuses)
    elif "TestStatefulLinks" in request.node.nodeid:
        assert any(label.startswith("stateful ") for label in ran), dict(ran)
    else:
        return
    _assert_callbacks_documented(CALLBACKS.requests[sent:])


def _assert_exercised(operation_id: str, ran: Counter[str], statuses: Counter[tuple[str, int]]) -> None:
    method, path, _ = EMULATOR.spec.operation(operation_id)
    label = f"{method} {path}"
    assert ran[label] > 10, dict(ran)
    answered = {status for (where, status), count in statuses.items() if where == label and count}
    assert 401 in answered, answered  # the auth checks ran
    # A valid request answered (deleteElement's name no element of the account: the documented 404).
    assert (404 if operation_id == "deleteElement" else 200) in answered, answered
    if label in QUERY_PATHS:  # every create's link was followed to its query
        assert ran[f"linked GET {QUERY_PATHS[label]}"] > 0, dict(ran)


def _callback_validator(operation_id: str) -> Any:
    """The validator of the payload the spec says ``operation_id``'s callbacks carry."""
    _, _, operation = EMULATOR.spec.operation(operation_id)
    [callback] = operation["callbacks"].values()
    [post] = callback.values()
    schema_ref = post["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return EMULATOR.spec.validator(schema_ref)


CALLBACK_VALIDATORS = {create: _callback_validator(create) for create in BY_CREATE}


def _assert_callbacks_documented(requests: list[httpx.Request]) -> None:
    """A seed's callbacks (at a path naming its create) are its endpoint's payload, one of each kind at least; any
    other (a generated loopback callback_url) one of the task endpoints'."""
    seen: set[str] = set()
    for request in requests:
        assert request.url.host in ("localhost", "127.0.0.1", "::1") or request.url.host.startswith("127.")
        payload = json.loads(request.content)
        create = str(request.url).removeprefix(CALLBACK_ROOT)
        if create in CALLBACK_VALIDATORS:
            seen.add(create)
            assert not list(CALLBACK_VALIDATORS[create].iter_errors(payload)), (create, payload)
        else:
            assert any(not list(validator.iter_errors(payload)) for validator in CALLBACK_VALIDATORS.values())
    assert seen == set(BY_CREATE)
