"""``kling._types.CreateFields`` is the generated ``CreateImageTaskRequest``, field for field and type for type.

The TypedDict is written by hand; what it must say is derived here from the generated model by fixed rules (each
generated type, ``Unset`` as ``None``, an enum also as the ``Literal`` of its values, a nested model also as its
dict twin, a list also as a tuple, and ``image`` also a local file), so a field added, removed or retyped in the
spec fails this test until ``_types.py`` says the same. And the point of it all: mypy refuses a misspelt keyword.
"""

from __future__ import annotations

import enum
import os
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

import attrs
import kling_api.models
import pytest
from kling._requests import REQUEST_FIELDS
from kling._types import CreateFields, ElementReferenceDict, WatermarkInfoDict
from kling_api.models import CreateImageTaskRequest, ElementReference, WatermarkInfo
from kling_api.types import Unset

ROOT = Path(__file__).resolve().parents[2]

#: A nested model of the request, and the TypedDict the SDK also takes for it (``{"element_id": 1}``).
TWINS: dict[type, Any] = {ElementReference: ElementReferenceDict, WatermarkInfo: WatermarkInfoDict}
#: What the SDK takes beyond the generated type, and why.
EXTRAS: dict[str, set[Any]] = {"image": {os.PathLike[str]}}  # a local file, read and Base64-encoded


def generated_hints(model: type) -> dict[str, Any]:
    """The attrs fields' resolved types (the generated modules import nested models under TYPE_CHECKING only)."""
    module = sys.modules[model.__module__]
    hints = typing.get_type_hints(model, globalns={**vars(kling_api.models), **vars(module)})
    return {field.name: hints[field.name] for field in attrs.fields(model) if field.name != "additional_properties"}


def members(hint: Any) -> set[Any]:
    """The members of a union (``X | Y``, ``Union[X, Y]``), or the type alone."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        return set(typing.get_args(hint))
    return {hint}


def accepted(generated: Any) -> set[Any]:
    """What the keyword must take for one member of a generated field's type."""
    if generated is Unset:
        return {type(None)}
    if isinstance(generated, type) and issubclass(generated, enum.Enum):
        return {generated, Literal[tuple(member.value for member in generated)]}
    if generated in TWINS:
        return {generated, TWINS[generated]}
    if typing.get_origin(generated) is list:
        (item,) = typing.get_args(generated)
        # Built at run time: Union[X, Y] from a set (typed Any: no static type is being written here).
        each: Any = Union.__getitem__(tuple(accepted(item)))
        sequence: Any = list
        tuple_: Any = tuple
        return {sequence[each], tuple_[each, ...]}
    return {generated}


def expected(hint: Any, extras: set[Any] | None = None) -> set[Any]:
    found: set[Any] = set().union(*(accepted(member) for member in members(hint)))
    return found | (extras or set())


def test_the_keywords_are_the_fields_of_the_generated_request_but_the_prompt() -> None:
    fields = generated_hints(CreateImageTaskRequest)

    assert set(CreateFields.__annotations__) == set(fields) - {"prompt"}
    assert set(CreateFields.__annotations__) == set(REQUEST_FIELDS) - {"prompt"}  # what the SDK checks at run time
    assert CreateFields.__required_keys__ == frozenset()


@pytest.mark.parametrize("name", sorted(set(generated_hints(CreateImageTaskRequest)) - {"prompt"}))
def test_each_keyword_takes_what_the_generated_field_does(name: str) -> None:
    generated = generated_hints(CreateImageTaskRequest)[name]
    written = typing.get_type_hints(CreateFields)[name]

    assert members(written) == expected(generated, EXTRAS.get(name)), (name, generated, written)


@pytest.mark.parametrize(("model", "twin"), list(TWINS.items()), ids=lambda value: getattr(value, "__name__", ""))
def test_each_dict_twin_is_its_generated_model(model: type, twin: Any) -> None:
    fields = generated_hints(model)
    written = typing.get_type_hints(twin)

    assert set(written) == set(fields)
    # A field the model may leave Unset is a key the dict may leave out; the others are required.
    assert twin.__required_keys__ == {name for name, hint in fields.items() if Unset not in members(hint)}
    for name, hint in fields.items():
        assert members(written[name]) == expected(hint) - {type(None)}, (model, name)


def test_the_rules_see_a_difference() -> None:
    """The derivation must be able to fail: a field whose type changed, an enum value added."""
    assert members(typing.get_type_hints(CreateFields)["n"]) != expected(str | Unset)

    class Ratio(enum.StrEnum):
        WIDE = "16:9"
        NEW = "5:4"

    assert expected(Ratio | Unset) != members(typing.get_type_hints(CreateFields)["aspect_ratio"])


TYPO = """\
from typing import Unpack

from kling._types import CreateFields


def generate(prompt: str, **fields: Unpack[CreateFields]) -> None: ...


generate("a fox", aspect_ratio="16:9", n=2, image_reference="subject", element_list=[{"element_id": 1}])
generate("a fox", aspect_ration="16:9")
generate("a fox", aspect_ratio="16:10")
generate("a fox", element_list=[{"id": 1}])
"""


def test_mypy_refuses_a_misspelt_keyword_or_a_value_the_spec_does_not_list(tmp_path: Path) -> None:
    (tmp_path / "typo.py").write_text(TYPO, encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental"]
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own file
        [*mypy, "--no-error-summary", str(tmp_path / "typo.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = sorted({int(line.split(":")[1]) for line in result.stdout.splitlines() if ": error:" in line})

    assert errors == [10, 11, 12], result.stdout
    assert 'Unexpected keyword argument "aspect_ration"' in result.stdout
