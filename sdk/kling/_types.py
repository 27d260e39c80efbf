"""The keywords of every create, typed: ``**fields: Unpack[CreateFields]`` (``client.images``), ``OmniFields``, ...

A TypedDict per create request, one key per field of the generated request model (``CreateImageTaskRequest``,
``CreateOmniImageTaskRequest``, ...), each taking what the SDK accepts for it: the generated type, ``None`` (left
out) for a field the request may leave out, an enum's string (its values as a ``Literal``, for completion and for
the type checker), a plain dict for a nested model (its twin here: ``OmniImageInputDict``, ...), a tuple for a
list, and a local file (``os.PathLike``) for every image input (``x-kling-image-input`` in the spec: the SDK reads,
checks and encodes it). Model names are open: any string is taken too.

``CreateFields`` leaves out ``prompt``, the first argument of ``client.images.create``. The other endpoints' first
argument is optional (``client.multi_images.create(subject_image_list=[...])``), so their TypedDicts hold every
field; naming the first field both ways is refused at run time.

Written by hand so that a reader sees them whole; ``sdk/kling_tests/test_types.py`` derives the same from the
generated models and the spec's image inputs and fails on any difference, so they cannot drift from the spec. A
typo (``aspect_ration=``) is then a type error, before it is a ``ValidationError`` at run time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypedDict, TypeVar

from kling_api.models import (
    AspectRatio,
    ElementImageList,
    ElementReference,
    ElementReferenceType,
    ElementReferImage,
    ElementReferVideo,
    ElementTag,
    ElementTagId,
    ElementVideoList,
    ImageReference,
    ModelName,
    MultiImageModelName,
    OmniAspectRatio,
    OmniImageInput,
    OmniModelName,
    OmniResolution,
    Resolution,
    ResultType,
    SeriesAmountAuto,
    SubjectImage,
    WatermarkInfo,
)

#: Each is a generated enum's values, in the spec's order (the test checks them against the enum).
ModelNameValue = Literal["kling-v3", "kling-v2-1"]
ImageReferenceValue = Literal["subject", "face"]
ResolutionValue = Literal["1k", "2k"]
AspectRatioValue = Literal["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"]
OmniModelNameValue = Literal["kling-image-o1", "kling-v3-omni"]
OmniResolutionValue = Literal["1k", "2k", "4k"]
OmniAspectRatioValue = Literal["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9", "auto"]
ResultTypeValue = Literal["single", "series"]
SeriesAmountAutoValue = Literal["auto"]
MultiImageModelNameValue = Literal["kling-v2-1"]
ElementReferenceTypeValue = Literal["video_refer", "image_refer"]
ElementTagIdValue = Literal["o_101", "o_102", "o_103", "o_104", "o_105", "o_106", "o_107", "o_108"]

#: An image input: a URL, bare Base64, a ``data:`` URI, or a local JPG/PNG file (read, checked and Base64-encoded).
ImageInput = str | os.PathLike[str]

# -- the nested models as dicts ------------------------------------------------------------------------------------


class ElementReferenceDict(TypedDict):
    """An :class:`~kling_api.models.ElementReference` as a dict: ``{"element_id": 829101482390}``."""

    element_id: int


class WatermarkInfoDict(TypedDict, total=False):
    """A :class:`~kling_api.models.WatermarkInfo` as a dict: ``{"enabled": True}``."""

    enabled: bool


class OmniImageInputDict(TypedDict):
    """An :class:`~kling_api.models.OmniImageInput` as a dict: ``{"image": "fox.png"}`` (``<<<image_1>>>``)."""

    image: ImageInput


class SubjectImageDict(TypedDict):
    """A :class:`~kling_api.models.SubjectImage` as a dict: ``{"subject_image": "a.png"}``."""

    subject_image: ImageInput


class ElementReferImageDict(TypedDict):
    """An :class:`~kling_api.models.ElementReferImage` as a dict: ``{"image_url": "side.png"}``."""

    image_url: ImageInput


class ElementReferVideoDict(TypedDict):
    """An :class:`~kling_api.models.ElementReferVideo` as a dict: ``{"video_url": "https://..."}``."""

    video_url: str


_Element = ElementReference | ElementReferenceDict
_ReferImage = ElementReferImage | ElementReferImageDict
_ReferVideo = ElementReferVideo | ElementReferVideoDict


class ElementImageListDict(TypedDict):
    """An :class:`~kling_api.models.ElementImageList` as a dict:
    ``{"frontal_image": "front.png", "refer_images": [{"image_url": "side.png"}]}``."""

    frontal_image: ImageInput
    refer_images: list[_ReferImage] | tuple[_ReferImage, ...]


class ElementVideoListDict(TypedDict, total=False):
    """An :class:`~kling_api.models.ElementVideoList` as a dict: ``{"refer_videos": [{"video_url": "https://..."}]}``."""

    refer_videos: list[_ReferVideo] | tuple[_ReferVideo, ...]


class ElementTagDict(TypedDict):
    """An :class:`~kling_api.models.ElementTag` as a dict: ``{"tag_id": "o_103"}``."""

    tag_id: ElementTagId | ElementTagIdValue


_OmniImage = OmniImageInput | OmniImageInputDict
_Subject = SubjectImage | SubjectImageDict
_Tag = ElementTag | ElementTagDict

# -- the create requests -------------------------------------------------------------------------------------------


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


class OmniFields(TypedDict, total=False):
    """The fields of ``CreateOmniImageTaskRequest`` (``client.omni_images``), as keyword arguments."""

    #: The first argument, or by name.
    prompt: str
    #: Any model name: the known ones complete; another is sent as it is, with a warning (the server decides).
    model_name: OmniModelName | OmniModelNameValue | str | None
    #: The reference images, ``<<<image_1>>>`` ... in the prompt; each a URL, Base64 or a local file.
    image_list: list[_OmniImage] | tuple[_OmniImage, ...] | None
    element_list: list[_Element] | tuple[_Element, ...] | None
    resolution: OmniResolution | OmniResolutionValue | None
    result_type: ResultType | ResultTypeValue | None
    n: int | None
    series_amount: int | SeriesAmountAuto | SeriesAmountAutoValue | None
    aspect_ratio: OmniAspectRatio | OmniAspectRatioValue | None
    watermark_info: WatermarkInfo | WatermarkInfoDict | None
    callback_url: str | None
    external_task_id: str | None


class MultiImageFields(TypedDict, total=False):
    """The fields of ``CreateMultiImageToImageTaskRequest`` (``client.multi_images``), as keyword arguments."""

    #: 1 to 4 subjects, each a URL, Base64 or a local file.
    subject_image_list: list[_Subject] | tuple[_Subject, ...]
    #: Any model name: the known ones complete; another is sent as it is, with a warning (the server decides).
    model_name: MultiImageModelName | MultiImageModelNameValue | str | None
    #: The first argument, or by name.
    prompt: str | None
    negative_prompt: str | None
    scene_image: ImageInput | None
    style_image: ImageInput | None
    n: int | None
    aspect_ratio: AspectRatio | AspectRatioValue | None
    watermark_info: WatermarkInfo | WatermarkInfoDict | None
    callback_url: str | None
    external_task_id: str | None


class OutpaintingFields(TypedDict, total=False):
    """The fields of ``CreateExpandImageTaskRequest`` (``client.outpainting``), as keyword arguments."""

    #: The image to extend (the first argument, or by name): a URL, Base64 or a local file.
    image: ImageInput
    #: Each 0 to 2 of the side it extends; the result at most 3 times the original's area.
    up_expansion_ratio: float
    down_expansion_ratio: float
    left_expansion_ratio: float
    right_expansion_ratio: float
    prompt: str | None
    n: int | None
    watermark_info: WatermarkInfo | WatermarkInfoDict | None
    callback_url: str | None
    external_task_id: str | None


class MultiShotFields(TypedDict, total=False):
    """The fields of ``CreateMultiShotTaskRequest`` (``client.multi_shots``), as keyword arguments."""

    #: The subject's frontal image (the first argument, or by name): a URL, Base64 or a local file.
    element_frontal_image: ImageInput
    callback_url: str | None
    external_task_id: str | None


class ElementFields(TypedDict, total=False):
    """The fields of ``CreateElementTaskRequest`` (``client.elements``), as keyword arguments."""

    #: The first argument, or by name.
    element_name: str
    element_description: str
    reference_type: ElementReferenceType | ElementReferenceTypeValue
    #: The frontal image and the other views (``image_refer``): URLs, Base64 or local files.
    element_image_list: ElementImageList | ElementImageListDict | None
    element_video_list: ElementVideoList | ElementVideoListDict | None
    element_voice_id: str | None
    tag_list: list[_Tag] | tuple[_Tag, ...] | None
    callback_url: str | None
    external_task_id: str | None


# -- the items of generate_many ------------------------------------------------------------------------------------

_First = TypeVar("_First")

#: What ``generate_many`` takes: items, each what ``create`` takes first (``_First``: a prompt, an image, a request)
#: or, in a job, a dict of fields; or, in a job, a mapping of item numbers to items (a part of the job).
ItemsOf = Iterable[_First | Mapping[str, Any]] | Mapping[int, _First | Mapping[str, Any]]


__all__ = [
    "AspectRatioValue",
    "CreateFields",
    "ElementFields",
    "ElementImageListDict",
    "ElementReferImageDict",
    "ElementReferVideoDict",
    "ElementReferenceDict",
    "ElementReferenceTypeValue",
    "ElementTagDict",
    "ElementTagIdValue",
    "ElementVideoListDict",
    "ImageInput",
    "ImageReferenceValue",
    "ItemsOf",
    "ModelNameValue",
    "MultiImageFields",
    "MultiImageModelNameValue",
    "MultiShotFields",
    "OmniAspectRatioValue",
    "OmniFields",
    "OmniImageInputDict",
    "OmniModelNameValue",
    "OmniResolutionValue",
    "OutpaintingFields",
    "ResolutionValue",
    "ResultTypeValue",
    "SeriesAmountAutoValue",
    "SubjectImageDict",
    "WatermarkInfoDict",
]
