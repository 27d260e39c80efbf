"""Keyword arguments -> a checked CreateImageTaskRequest, before anything is sent.

Checks go through ``kling_spec.validate_create_body``, the validator the emulator and the contract mock use,
so a rule added to the spec applies here at once. What a schema cannot see is done here: a local image file
is read, checked (``kling_spec.inspect_image``) and Base64-encoded; a ``data:...;base64,`` prefix is stripped.

What depends on the model (the spec's capability map, ``kling_spec.capability_problems``) is the server's
call: by default it is logged as a warning on the ``kling`` logger and sent; with ``strict_capabilities`` it is
refused here. Model names are open: a name the spec does not list is sent as it is (with a warning), since
models are added and retired every few months and the server answers an unknown one with an error.
"""

from __future__ import annotations

import base64
import enum
import os
import stat
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import attrs
import kling_spec
from kling_api.models import (
    AspectRatio,
    CreateImageTaskRequest,
    ElementReference,
    ImageReference,
    ModelName,
    Resolution,
    WatermarkInfo,
)
from kling_api.types import UNSET, Unset, encode_path_parameter

from ._constants import DATA_URI_BASE64_MARKER, EXTERNAL_TASK_ID_PREFIX, MAX_TASK_ID_CHARS
from ._errors import ValidationError
from ._logging import log_warning

if TYPE_CHECKING:
    from ._endpoints import TaskEndpoint

_ENUM_FIELDS: dict[str, type[enum.StrEnum]] = {
    "image_reference": ImageReference,
    "resolution": Resolution,
    "aspect_ratio": AspectRatio,
}

#: Every field of the request, in the model's order (``prompt`` first).
REQUEST_FIELDS: tuple[str, ...] = tuple(
    f.name for f in attrs.fields(CreateImageTaskRequest) if f.name != "additional_properties"
)


class _CreateRequest(Protocol):
    """Every create request of the API: it may carry the caller's ``external_task_id``."""

    external_task_id: str | Unset


R = TypeVar("R", bound=_CreateRequest)

# A str longer than this is never taken for a file path (Base64 data is long; a path is not).
_MAX_PATH_CHARS = 4096


def build_request(
    endpoint: TaskEndpoint[Any, R], first: object, fields: Mapping[str, Any], *, strict_capabilities: bool = False
) -> R:
    """The create request of any task endpoint the arguments describe, checked against the spec; ValidationError
    otherwise. ``first`` is a ready request (``fields`` then override its values), the value of the endpoint's
    first field (``prompt``; ``image`` for outpainting) or None.

    Values are turned into the JSON the API takes (enums to their values, models and dicts to objects), every image
    input of the request (``kling_spec.image_input_fields``) resolved as for ``image`` (a local file is read,
    checked and Base64-encoded), then the body is checked by the one validator (its schema, its cross-field rules,
    its ``x-kling-rules``) and by the capability map, as for ``/v1/images/generations``.
    """
    known = tuple(f.name for f in attrs.fields(cast(Any, endpoint.request_type)) if f.name != "additional_properties")
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ValidationError(
            unknown[0], f"is not a field of the {endpoint.name} request; known fields: " + ", ".join(known)
        )
    values: dict[str, Any]
    if isinstance(first, endpoint.request_type):
        values = {name: getattr(first, name) for name in known}
        values.update(getattr(first, "additional_properties", {}))
    elif first is None:
        values = {}
    elif isinstance(first, str | os.PathLike):
        if endpoint.first_field in fields:
            raise ValidationError(endpoint.first_field, "is given twice: as the first argument and by name")
        values = {endpoint.first_field: first}
    else:
        raise ValidationError(
            endpoint.first_field,
            f"the first argument must be the {endpoint.first_field} or a {endpoint.request_type.__name__}, "
            f"got {type(first).__name__}",
        )
    values.update(fields)
    body = {name: _json_value(name, value) for name, value in values.items() if value is not None}
    body = {name: value for name, value in body.items() if not isinstance(value, Unset)}
    for dotted in kling_spec.image_input_fields(endpoint.operation):
        _resolve_images_at(body, dotted.replace("[]", ".[]").split("."), [])
    try:
        kling_spec.validate_request_body(body, endpoint.operation)
    except kling_spec.RequestValidationError as error:
        raise ValidationError(field_of(error), error.rule) from None
    check_capabilities(body, strict=strict_capabilities, schema=endpoint.operation)
    try:
        return endpoint.request_type.from_dict(body)  # type: ignore[attr-defined,no-any-return]
    except (KeyError, TypeError, ValueError) as error:  # pragma: no cover - the validator refused such bodies
        raise ValidationError("", f"the request cannot be built: {error}") from None


def _json_value(where: str, value: Any) -> Any:
    """``value`` as the JSON the request carries: an enum its value, a generated model its dict, a path kept (an
    image input's file, read later); containers recursively."""
    if isinstance(value, Unset | os.PathLike):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if attrs.has(type(value)) and hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: _json_value(f"{where}.{key}", item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(f"{where}.{index}", item) for index, item in enumerate(value)]
    return value


def _resolve_images_at(node: Any, parts: list[str], where: list[str]) -> None:
    """Replace each image input at the dotted path ``parts`` (``[]``: every item of a list) by what the API
    takes (:func:`resolve_image`), naming the field as the validator does (``subject_image_list.1.subject_image``)."""
    head, *rest = parts
    if head == "[]":
        if isinstance(node, list):
            for index, item in enumerate(node):
                if rest:
                    _resolve_images_at(item, rest, [*where, str(index)])
                elif item:
                    node[index] = resolve_image(item, ".".join([*where, str(index)]))
        return
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        _resolve_images_at(node[head], rest, [*where, head])
    elif node[head] or isinstance(node[head], os.PathLike):
        node[head] = resolve_image(node[head], ".".join([*where, head]))


def build_create_request(
    prompt: str | CreateImageTaskRequest, fields: Mapping[str, Any], *, strict_capabilities: bool = False
) -> CreateImageTaskRequest:
    """The request the keyword arguments describe, checked against the spec; ValidationError otherwise.

    ``prompt`` may be a ready CreateImageTaskRequest; ``fields`` then override its values. What the model
    does not support is warned about (or refused, with ``strict_capabilities``): see the module docstring.
    """
    unknown = sorted(set(fields) - set(REQUEST_FIELDS) | ({"prompt"} & set(fields)))
    if unknown:
        name = unknown[0]
        rule = (
            "pass the prompt as the first argument"
            if name == "prompt"
            else "is not a field of the create request; known fields: " + ", ".join(REQUEST_FIELDS[1:])
        )
        raise ValidationError(name, rule)
    if isinstance(prompt, CreateImageTaskRequest):
        values: dict[str, Any] = {name: getattr(prompt, name) for name in REQUEST_FIELDS}
    elif isinstance(prompt, str):
        values = {"prompt": prompt}
    else:
        raise ValidationError("prompt", f"must be a string, got {type(prompt).__name__}")
    values.update(fields)
    cleaned = {name: _clean(name, value) for name, value in values.items() if value is not None}
    request = CreateImageTaskRequest(**cleaned)
    body = validate_request(request)
    check_capabilities(body, strict=strict_capabilities)
    return request


def field_of(error: kling_spec.RequestValidationError) -> str:
    """The argument a spec validation error is about, as the caller named it: ``body.n`` is ``n``, ``query.end_time``
    is ``end_time``, the whole body ``""``."""
    return error.field.removeprefix("query.").removeprefix("body.").removeprefix("body")


def validate_request(request: CreateImageTaskRequest) -> dict[str, Any]:
    """The spec's checks, through the one shared validator; ValidationError(field, rule) when refused.

    Returns the body as it will be sent."""
    try:
        body = request.to_dict()
    except (AttributeError, TypeError, ValueError) as error:
        raise ValidationError("", f"the request cannot be serialised: {error}") from None
    try:
        kling_spec.validate_create_body(body)
    except kling_spec.RequestValidationError as error:
        raise ValidationError(field_of(error), error.rule) from None
    return body


def check_capabilities(body: Mapping[str, Any], *, strict: bool, schema: str = "createImageTask") -> None:
    """What the model does not support, by the spec's capability map: refused when ``strict``, else warned.

    A model name the spec does not list, or one it lists as retired, is warned about and sent: the server
    decides (it answers an unknown model with an error). Warnings name fields and the model, never a value
    longer than a model name or an enum value.
    """
    model = body.get("model_name")
    known = kling_spec.known_models(schema=schema)
    if isinstance(model, str) and model and known and model not in known:
        retired = kling_spec.retired_models()
        shown = model if len(model) <= _MAX_SHOWN_MODEL_CHARS else model[:_MAX_SHOWN_MODEL_CHARS] + "..."
        if model in retired:
            log_warning("model_name %r is retired (%s): sending it, the server decides", shown, retired[model])
        else:
            log_warning(
                "model_name %r is not a model this client's spec knows (%s): sending it, the server decides",
                shown,
                ", ".join(known),
            )
    for problem in kling_spec.capability_problems(body, schema=schema):
        if strict:
            raise ValidationError(field_of(problem), problem.rule)
        log_warning(
            "%s %s: sending it, the server decides (strict_capabilities=True refuses it)",
            field_of(problem),
            problem.rule,
        )


# A model name in a warning: long enough for any real one.
_MAX_SHOWN_MODEL_CHARS = 64


def check_task_id(value: object, field: str = "task_id") -> str:
    """An id that can be queried: a string of a sane length that the generated client accepts as a path
    segment (not empty, not a dot segment, valid Unicode): its rule, raised here as a ValidationError."""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a string, got {type(value).__name__}")
    if len(value) > MAX_TASK_ID_CHARS:
        raise ValidationError(field, f"is longer than {MAX_TASK_ID_CHARS} characters")
    try:
        encode_path_parameter(field, value)
    except ValueError as error:
        raise ValidationError(field, str(error).removeprefix(f"path parameter {field} ")) from None
    return value


def with_external_task_id(request: R) -> tuple[R, str]:
    """The request with an external_task_id (the caller's, or a fresh ``kling-<uuid4 hex>``), and that id.

    It is how a create can be looked up after an ambiguous failure instead of being sent twice: so the
    caller's own id must be one that can be queried.
    """
    if not isinstance(request.external_task_id, Unset):
        return request, check_task_id(request.external_task_id, "external_task_id")
    external_task_id = EXTERNAL_TASK_ID_PREFIX + uuid.uuid4().hex
    return cast(R, attrs.evolve(cast(Any, request), external_task_id=external_task_id)), external_task_id


def _clean(name: str, value: Any) -> Any:
    if isinstance(value, Unset):
        return UNSET
    if name in _ENUM_FIELDS:
        return _enum_value(name, _ENUM_FIELDS[name], value)
    if name == "model_name":
        return _model_name(value)
    if name == "element_list":
        return _element_list(value)
    if name == "image":
        return resolve_image(value)
    if name == "n" and isinstance(value, float) and value.is_integer():
        # 2.0 is the integer 2 (as JSON Schema counts it): sent as 2, the integer the API documents.
        return int(value)
    if name == "watermark_info" and isinstance(value, Mapping):
        try:
            return WatermarkInfo.from_dict(value)
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError("watermark_info", f"is not a valid watermark setting: {error}") from None
    return value


def _model_name(value: Any) -> ModelName:
    """Any model name: a known one is its member, another a member-like value equal to the string (sent as is)."""
    if not isinstance(value, str):
        raise ValidationError("model_name", f"must be a string, got {type(value).__name__}")
    return ModelName(value)


def _element_list(value: Any) -> list[ElementReference]:
    """Elements as ``[{"element_id": 123}, ...]`` or ElementReference objects."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
        raise ValidationError("element_list", f"must be a list of elements, got {type(value).__name__}")
    elements = []
    for index, item in enumerate(value):
        if isinstance(item, ElementReference):
            elements.append(item)
            continue
        if not isinstance(item, Mapping):
            raise ValidationError(
                f"element_list.{index}", f'must be an element ({{"element_id": ...}}), got {type(item).__name__}'
            )
        try:
            elements.append(ElementReference.from_dict(item))
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(f"element_list.{index}", f"is not a valid element: {error}") from None
    return elements


def _enum_value(name: str, enum_type: type[enum.StrEnum], value: Any) -> enum.StrEnum:
    allowed = [member.value for member in enum_type]
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(name, f"must be one of {', '.join(allowed)}; got {value!r}")
    return enum_type(value)


def resolve_image(value: Any, field: str = "image") -> str:
    """What the API wants in an image input (``field``): a URL or bare Base64, reading and checking a local file
    if named."""
    if isinstance(value, os.PathLike):
        return _encode_file(Path(os.fspath(value)), field)
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a URL, Base64 data or a file path, got {type(value).__name__}")
    if value.startswith("data:"):
        header, marker, payload = value.partition(DATA_URI_BASE64_MARKER)
        if not marker or "," in header:
            raise ValidationError(field, "a data: URI must be Base64 (data:image/png;base64,...)")
        if not payload:
            raise ValidationError(field, "the data: URI holds no image data")
        return payload
    if _is_local_file(value):
        return _encode_file(Path(value), field)
    if _looks_like_a_path(value) and not _exists(value):
        shown = value if len(value) <= _MAX_SHOWN_PATH_CHARS else value[:_MAX_SHOWN_PATH_CHARS] + "..."
        raise ValidationError(
            field, f"no such file: {shown!r} (a local image file; a URL starts with https:// or http://)"
        )
    return value


#: What makes a string name a file rather than hold Base64 data: an image file's extension (the API's own formats
#: and the other common ones, so that ``photo.webp`` is "no such file", not "not Base64").
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".avif")
# A path in a message: long enough for any real one.
_MAX_SHOWN_PATH_CHARS = 200


def _looks_like_a_path(value: str) -> bool:
    """A string the caller meant as a file path: it has a path separator or an image file's extension, and is no
    URL and no Base64 (whose alphabet has ``/``: ``ab/c`` decodes, ``./a.png`` does not)."""
    if not value or len(value) > _MAX_PATH_CHARS or "\n" in value or "\0" in value or "://" in value:
        return False
    separators = ["/", os.sep] + ([os.altsep] if os.altsep else [])
    if not any(separator in value for separator in separators) and not value.lower().endswith(_IMAGE_EXTENSIONS):
        return False
    try:
        base64.b64decode(value, validate=True)
    except ValueError:  # binascii.Error is a ValueError
        return True
    return False


def _exists(value: str) -> bool:
    try:
        return Path(value).exists()
    except (OSError, ValueError):
        return False


def _is_local_file(value: str) -> bool:
    if not value or len(value) > _MAX_PATH_CHARS or "\n" in value or "\0" in value or "://" in value:
        return False
    try:
        return Path(value).is_file()
    except (OSError, ValueError):
        return False


def _encode_file(path: Path, field: str = "image") -> str:
    try:
        info = path.stat()
        # A device or a FIFO (/dev/zero) reports no size and never ends: only regular files are read.
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError(field, f"{path.name}: is not a regular file")
        # Refused before reading: a 2 GB file named by mistake costs nothing.
        if info.st_size > kling_spec.MAX_IMAGE_BYTES:
            raise ValidationError(field, f"{path.name}: {_too_large()}")
        with path.open("rb") as handle:
            # Bounded even if the file grows while it is read.
            data = handle.read(kling_spec.MAX_IMAGE_BYTES + 1)
        if len(data) > kling_spec.MAX_IMAGE_BYTES:
            raise ValidationError(field, f"{path.name}: {_too_large()}")
    except OSError as error:
        raise ValidationError(field, f"cannot read {path.name}: {error.strerror or error}") from None
    try:
        kling_spec.inspect_image(data)
    except ValueError as error:
        raise ValidationError(field, f"{path.name}: {error}") from None
    return base64.b64encode(data).decode("ascii")


def _too_large() -> str:
    return f"the image is larger than {kling_spec.MAX_IMAGE_BYTES // (1024 * 1024)} MB"
