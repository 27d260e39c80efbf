"""The keywords of ``images.create``, ``generate`` and ``generate_many``, typed: ``**fields: Unpack[CreateFields]``.

One key per field of the generated ``CreateImageTaskRequest`` but ``prompt`` (the first argument), each taking
what the SDK accepts for it: the generated type, ``None`` (left out), an enum's string (its values as a
``Literal``, for completion and for the type checker), a plain dict for a nested model, a local file for
``image``. Written by hand so that a reader sees it whole; ``sdk/kling_tests/test_types.py`` derives the same from
the generated model and fails on any difference, so it cannot drift from the spec. A typo (``aspect_ration=``)
is then a type error, before it is a ``ValidationError`` at run time.
"""

from __future__ import annotations

import os
from typing import Literal, TypedDict

from kling_api.models import (
    AspectRatio,
    ElementReference,
    ImageReference,
    ModelName,
    Resolution,
    WatermarkInfo,
)


class ElementReferenceDict(TypedDict):
    """An :class:`~kling_api.models.ElementReference` as a dict: ``{"element_id": 829101482390}``."""

    element_id: int


class WatermarkInfoDict(TypedDict, total=False):
    """A :class:`~kling_api.models.WatermarkInfo` as a dict: ``{"enabled": True}``."""

    enabled: bool


#: Each list of values is the generated enum's, in its order (checked by the test).
ModelNameValue = Literal["kling-v3", "kling-v2-1"]
ImageReferenceValue = Literal["subject", "face"]
ResolutionValue = Literal["1k", "2k"]
AspectRatioValue = Literal["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"]

_Element = ElementReference | ElementReferenceDict


class CreateFields(TypedDict, total=False):
    """The create request's fields but ``prompt``, as keyword arguments; every one optional (``None``: left out)."""

    #: Any model name: the known ones complete; another is sent as it is, with a warning (the server decides).
    model_name: ModelName | ModelNameValue | str | None
    negative_prompt: str | None
    #: A URL, bare Base64, a ``data:`` URI, or a local JPG/PNG file (read, checked and Base64-encoded).
    image: str | os.PathLike[str] | None
    image_reference: ImageReference | ImageReferenceValue | None
    image_fidelity: float | None
    human_fidelity: float | None
    element_list: list[_Element] | tuple[_Element, ...] | None
    resolution: Resolution | ResolutionValue | None
    n: int | None
    aspect_ratio: AspectRatio | AspectRatioValue | None
    watermark_info: WatermarkInfo | WatermarkInfoDict | None
    callback_url: str | None
    external_task_id: str | None
    #: The legacy name of ``model_name``, still accepted by the service.
    model: str | None


__all__ = [
    "AspectRatioValue",
    "CreateFields",
    "ElementReferenceDict",
    "ImageReferenceValue",
    "ModelNameValue",
    "ResolutionValue",
    "WatermarkInfoDict",
]
