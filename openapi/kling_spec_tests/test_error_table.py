"""The error table is stated once, as data (``x-kling-errors`` on ``ErrorResponse``), and the spec's prose is it.

The table in ErrorResponse's description and the codes each error response lists are checked against the data
here, so a change to the data without the prose (or the other way round) fails, with the prose to write.
What the SDK and the emulator derive from the data is checked in their own tests (sdk/kling_tests/test_errors.py,
emulator/kling_emulator_tests/test_spec_data.py); that the data follows the publisher's docs, in
contract_tests/test_doc_coverage.py.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import pytest
from kling_spec import Spec
from kling_spec._errors import DocumentedError, documented_errors, error_families

#: A data row of a markdown table: "| 401 | 1000 | ... |".
_TABLE_ROW = re.compile(r"^\|\s*\d{3}\s*\|")
#: What an error response lists: "(code 1103)", "(codes 1200, 1201, 1300, 1301)".
_LISTED = re.compile(r"\(codes? (\d{4}(?:, \d{4})*)\)")
#: Examples whose message is not the code's wording: an unknown task id, as a third party saw it answered.
_OWN_WORDING = {"taskNotFound"}


def rendered_table(table: Mapping[int, DocumentedError]) -> list[str]:
    """The rows ErrorResponse's description must show, in the data's order."""
    return [f"| {row.status} | {row.code} | {row.meaning} | {row.advice} |" for row in table.values()]


def listed_codes(table: Mapping[int, DocumentedError], status: int) -> str:
    """How an error response of ``status`` lists its codes: "(code 1103)", "(codes 1200, 1201)"."""
    codes = [str(code) for code, row in table.items() if row.status == status]
    return f"({'codes' if len(codes) > 1 else 'code'} {', '.join(codes)})"


def prose_problems(spec: Spec) -> list[str]:
    """Every place the spec's prose says something of the error table that its data does not."""
    table = documented_errors(spec)
    problems: list[str] = []
    description = spec.document["components"]["schemas"]["ErrorResponse"]["description"]
    shown = [line.strip() for line in description.splitlines() if _TABLE_ROW.match(line.strip())]
    expected = rendered_table(table)
    if shown != expected:
        problems.append("ErrorResponse's table is not x-kling-errors; write it as:\n" + "\n".join(expected))
    for _, _, operation in spec.operations():
        for status, response in operation["responses"].items():
            if status == "200":
                continue
            text = spec.resolve(response)["description"]
            where = f"{operation['operationId']} {status}"
            wanted = listed_codes(table, int(status))
            found = _LISTED.search(text)
            if found is None or found.group(0) != wanted:
                problems.append(f"{where}: lists {found and found.group(0)!r}, the data says {wanted!r}")
            strays = {int(code) for code in re.findall(r"\b\d{4}\b", text)} - {
                code for code, row in table.items() if row.status == int(status)
            }
            if strays:
                problems.append(f"{where}: mentions {sorted(strays)}, codes the data gives another status")
            retryable = [row.retryable for row in table.values() if row.status == int(status)]
            if ("retry later" in text) != all(retryable):
                problems.append(f"{where}: says 'retry later' iff all its codes are retryable ({retryable})")
    return problems


def test_the_data_is_read_at_all() -> None:
    # Guards the comparisons: an unreadable table must not compare as "nothing to check".
    table = documented_errors()
    assert len(table) == 21
    assert table[1303] == DocumentedError(
        code=1303,
        status=429,
        family="rate-limit",
        retryable=True,
        meaning="concurrency or QPS over the resource-pack limit",
        advice="slow down, retry later",
        message="parallel task over resource pack limit",
    )
    assert set(error_families()) == {row.family for row in table.values()}


def test_the_prose_of_the_spec_is_its_error_data(spec: Spec) -> None:
    assert prose_problems(spec) == []


def test_the_advice_says_retry_exactly_where_the_data_says_retryable() -> None:
    for code, row in documented_errors().items():
        assert ("retry later" in row.advice) is row.retryable, code


def test_the_examples_answer_each_code_with_its_message(spec: Spec) -> None:
    table = documented_errors(spec)
    seen = set()
    for name, response in spec.document["components"]["responses"].items():
        for example_name, example in response["content"]["application/json"]["examples"].items():
            value = example["value"]
            if example_name in _OWN_WORDING:
                continue
            message = table[value["code"]].message
            assert value["message"] == message or value["message"].startswith(f"{message}: "), (name, example_name)
            seen.add(value["code"])
    assert len(seen) >= 10


def _document(spec: Spec) -> dict[str, Any]:
    return copy.deepcopy(dict(spec.document))


def _errors_of(document: dict[str, Any]) -> dict[str, Any]:
    extension: dict[str, Any] = document["components"]["schemas"]["ErrorResponse"]["x-kling-errors"]
    return extension


def test_changing_the_data_changes_what_is_read_and_what_the_prose_must_say(spec: Spec) -> None:
    document = _document(spec)
    codes = _errors_of(document)["codes"]
    codes["1303"]["retryable"] = False
    codes["1303"]["advice"] = "wait for a task to end"
    codes["1305"] = {**codes["1304"], "meaning": "a code the publisher added", "message": "new"}

    changed = Spec(document)
    table = documented_errors(changed)

    assert table[1303].retryable is False
    assert table[1305].meaning == "a code the publisher added"
    assert documented_errors()[1303].retryable is True  # the project's spec, read once, is untouched
    problems = prose_problems(changed)
    row = "| 429 | 1303 | concurrency or QPS over the resource-pack limit | wait for a task to end |"
    assert any(row in problem for problem in problems)
    assert any("'(codes 1100, 1101, 1102, 1302, 1303, 1304, 1305)'" in problem for problem in problems)


def test_a_code_must_name_a_defined_family(spec: Spec) -> None:
    document = _document(spec)
    _errors_of(document)["codes"]["1303"]["family"] = "quota"

    with pytest.raises(ValueError, match="code 1303 names the family 'quota'"):
        documented_errors(Spec(document))
