"""The typed keywords of every create (``kling._types``) are the generated requests, field for field and type for type.

Each TypedDict (``CreateFields`` for ``client.images``, ``OmniFields``, ``MultiImageFields``, ``OutpaintingFields``,
``MultiShotFields``, ``ElementFields``) and each dict twin of a nested model (``OmniImageInputDict``, ...) is
written by hand; what it must say is derived here from the generated model by fixed rules: each generated type,
``Unset`` as ``None``, an enum also as the ``Literal`` of its values, a nested model also as its dict twin, a list
also as a tuple, and every image input of the spec (``x-kling-image-input``, listed by
``kling_spec.image_input_fields``, nested ones included) also a local file. So a field added, removed or retyped in
the spec fails this test until ``_types.py`` says the same. And the point of it all: mypy refuses a misspelt
keyword.
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
import kling_spec
import pytest
from kling import _endpoints
from kling._requests import REQUEST_FIELDS
from kling._types import (
    CreateFields,
    ElementFields,
    ElementImageListDict,
    ElementReferenceDict,
    ElementReferImageDict,
    ElementReferVideoDict,
    ElementTagDict,
    ElementVideoListDict,
    MultiImageFields,
    MultiShotFields,
    OmniFields,
    OmniImageInputDict,
    OutpaintingFields,
    SubjectImageDict,
    WatermarkInfoDict,
)
from kling_api.models import (
    ElementImageList,
    ElementReference,
    ElementReferImage,
    ElementReferVideo,
    ElementTag,
    ElementVideoList,
    OmniImageInput,
    SubjectImage,
    WatermarkInfo,
)
from kling_api.types import Unset

ROOT = Path(__file__).resolve().parents[2]

#: Each create endpoint (its request model and its operation in the spec), the TypedDict of its keywords, and the
#: fields the TypedDict leaves out: ``client.images`` takes the prompt first, always; the others' first argument
#: is optional, so every field may be given by name.
REQUESTS: list[tuple[_endpoints.TaskEndpoint[Any, Any], Any, set[str]]] = [
    (_endpoints.IMAGES, CreateFields, {"prompt"}),
    (_endpoints.omni_image(), OmniFields, set()),
    (_endpoints.multi_image(), MultiImageFields, set()),
    (_endpoints.expand(), OutpaintingFields, set()),
    (_endpoints.multi_shot(), MultiShotFields, set()),
    (_endpoints.elements(), ElementFields, set()),
]
#: A nested model of a request, and the TypedDict the SDK also takes for it (``{"element_id": 1}``).
TWINS: dict[type, Any] = {
    ElementReference: ElementReferenceDict,
    WatermarkInfo: WatermarkInfoDict,
    OmniImageInput: OmniImageInputDict,
    SubjectImage: SubjectImageDict,
    ElementImageList: ElementImageListDict,
    ElementReferImage: ElementReferImageDict,
    ElementVideoList: ElementVideoListDict,
    ElementReferVideo: ElementReferVideoDict,
    ElementTag: ElementTagDict,
}
#: What an image input takes beyond the generated ``str``: a local file, read, checked and Base64-encoded.
IMAGE_FILE: set[Any] = {os.PathLike[str]}


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


def nested_models(hint: Any) -> set[type]:
    """The generated models a field's type holds: itself, or its list's items."""
    found: set[type] = set()
    for member in members(hint):
        if typing.get_origin(member) is list:
            found |= nested_models(typing.get_args(member)[0])
        elif isinstance(member, type) and attrs.has(member):
            found.add(member)
    return found


def image_inputs(endpoint: _endpoints.TaskEndpoint[Any, Any]) -> set[tuple[type, str]]:
    """Every image input of the endpoint's request, as (the generated model that holds it, its field), from the
    spec's dotted paths (``image_list[].image``: the field ``image`` of the model ``image_list`` holds a list of)."""
    found: set[tuple[type, str]] = set()
    for dotted in kling_spec.image_input_fields(endpoint.operation):
        owner: type = endpoint.request_type
        *path, last = dotted.split(".")
        for part in path:
            [owner] = nested_models(generated_hints(owner)[part.removesuffix("[]")])
        # A list of image strings (``images[]``) would need the local file on its items: a rule to add here.
        assert not last.endswith("[]"), f"{dotted}: an image input that is a list's item"
        found.add((owner, last))
    return found


#: Every image input of every request: the fields that also take a local file.
IMAGE_INPUTS: set[tuple[type, str]] = set().union(*(image_inputs(endpoint) for endpoint, _, _ in REQUESTS))


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


def extras(model: type, name: str) -> set[Any]:
    """What the field takes beyond its generated type: a local file if it is an image input."""
    return IMAGE_FILE if (model, name) in IMAGE_INPUTS else set()


KEYWORDS = [
    pytest.param(endpoint, fields, name, id=f"{fields.__name__}.{name}")
    for endpoint, fields, left_out in REQUESTS
    for name in sorted(set(generated_hints(endpoint.request_type)) - left_out)
]


@pytest.mark.parametrize(("endpoint", "fields", "left_out"), REQUESTS, ids=[row[1].__name__ for row in REQUESTS])
def test_the_keywords_are_the_fields_of_the_generated_request(
    endpoint: _endpoints.TaskEndpoint[Any, Any], fields: Any, left_out: set[str]
) -> None:
    generated = generated_hints(endpoint.request_type)

    assert set(fields.__annotations__) == set(generated) - left_out
    assert fields.__required_keys__ == frozenset()  # every one may be left out (a request object gives them)


def test_client_images_takes_every_field_but_the_prompt_the_sdk_checks() -> None:
    assert set(CreateFields.__annotations__) == set(REQUEST_FIELDS) - {"prompt"}  # what the SDK checks at run time


@pytest.mark.parametrize(("endpoint", "fields", "name"), KEYWORDS)
def test_each_keyword_takes_what_the_generated_field_does(
    endpoint: _endpoints.TaskEndpoint[Any, Any], fields: Any, name: str
) -> None:
    model = endpoint.request_type
    generated = generated_hints(model)[name]
    written = typing.get_type_hints(fields)[name]

    assert members(written) == expected(generated, extras(model, name)), (name, generated, written)


def test_every_nested_model_of_a_request_has_its_dict_twin() -> None:
    reachable: set[type] = set()
    todo = [endpoint.request_type for endpoint, _, _ in REQUESTS]
    while todo:
        model = todo.pop()
        for hint in generated_hints(model).values():
            for nested in nested_models(hint) - reachable:
                reachable.add(nested)
                todo.append(nested)

    assert reachable == set(TWINS)


@pytest.mark.parametrize(("model", "twin"), list(TWINS.items()), ids=lambda value: getattr(value, "__name__", ""))
def test_each_dict_twin_is_its_generated_model(model: type, twin: Any) -> None:
    fields = generated_hints(model)
    written = typing.get_type_hints(twin)

    assert set(written) == set(fields)
    # A field the model may leave Unset is a key the dict may leave out; the others are required.
    assert twin.__required_keys__ == {name for name, hint in fields.items() if Unset not in members(hint)}
    for name, hint in fields.items():
        assert members(written[name]) == expected(hint, extras(model, name)) - {type(None)}, (model, name)


def test_the_image_inputs_are_found_nested_too() -> None:
    assert (OmniImageInput, "image") in IMAGE_INPUTS
    assert (ElementReferImage, "image_url") in IMAGE_INPUTS
    assert (_endpoints.expand().request_type, "image") in IMAGE_INPUTS
    assert (ElementReferVideo, "video_url") not in IMAGE_INPUTS


def test_the_rules_see_a_difference() -> None:
    """The derivation must be able to fail: a field whose type changed, an enum value added, an image input lost."""
    assert members(typing.get_type_hints(CreateFields)["n"]) != expected(str | Unset)

    class Ratio(enum.StrEnum):
        WIDE = "16:9"
        NEW = "5:4"

    assert expected(Ratio | Unset) != members(typing.get_type_hints(CreateFields)["aspect_ratio"])
    # The same field, were it no image input (a local file then refused by the type checker).
    assert expected(str) != members(typing.get_type_hints(OmniImageInputDict)["image"])
    assert expected(str, extras(OmniImageInput, "image")) == members(typing.get_type_hints(OmniImageInputDict)["image"])


#: Each line ending in ``# refused`` must be a mypy error, and only those.
TYPO = """\
from pathlib import Path
from typing import Unpack

from kling import Kling
from kling._types import CreateFields, ElementImageListDict


def generate(prompt: str, **fields: Unpack[CreateFields]) -> None: ...


generate("a fox", aspect_ratio="16:9", n=2, image_reference="subject", element_list=[{"element_id": 1}])
generate("a fox", aspect_ration="16:9")  # refused
generate("a fox", aspect_ratio="16:10")  # refused
generate("a fox", element_list=[{"id": 1}])  # refused


def endpoints(client: Kling) -> None:
    client.omni_images.generate("a fox", image_list=[{"image": Path("fox.png")}], resolution="4k", series_amount="auto")
    client.omni_images.generate("a fox", image_lists=[{"image": "fox.png"}])  # refused
    views: ElementImageListDict = {"frontal_image": Path("front.png"), "refer_images": [{"image_url": "side.png"}]}
    client.elements.create(element_name="Fox", element_description="a fox", reference_type="image_refer")
    client.elements.create("Fox", element_description="a fox", reference_type="image_refer", element_image_list=views)
    client.elements.create("Fox", element_descripton="a fox", reference_type="image_refer")  # refused
    client.multi_shots.create(Path("front.png"))
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
    refused = [number for number, line in enumerate(TYPO.splitlines(), 1) if line.endswith("# refused")]

    assert len(refused) == 5
    assert errors == refused, result.stdout
    assert 'Unexpected keyword argument "aspect_ration"' in result.stdout
    assert 'Unexpected keyword argument "image_lists" for "generate" of "OmniImages"' in result.stdout
    assert 'Unexpected keyword argument "element_descripton" for "create" of "Elements"' in result.stdout
