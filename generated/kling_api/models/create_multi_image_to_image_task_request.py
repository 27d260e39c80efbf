from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.aspect_ratio import AspectRatio
from ..models.multi_image_model_name import MultiImageModelName
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_int,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.subject_image import SubjectImage
    from ..models.watermark_info import WatermarkInfo


T = TypeVar("T", bound="CreateMultiImageToImageTaskRequest")


@_attrs_define
class CreateMultiImageToImageTaskRequest:
    """The multi-image-to-image task to create (Kling Image 2.1): one to four subject
    images, an optional scene image and an optional style image.

    """

    subject_image_list: list[SubjectImage]
    """ The subjects, 1 to 4 images, each cropped to its subject already. """
    model_name: MultiImageModelName | str | Unset = UNSET
    """ Model to generate with: `kling-v2-1` (Kling Image 2.1), the only one, or
    any other model name the service offers. Left out, the service uses its
    default.

    Server default when unset: MultiImageModelName.KLING_V2_1. """
    prompt: str | Unset = UNSET
    """ Text prompt, at most 2500 characters. Optional here. """
    negative_prompt: str | Unset = UNSET
    """ Sent by the publisher's own request example (as an empty string) but not
    in the page's field table: accepted, its effect undocumented.
     """
    scene_image: str | Unset = UNSET
    """ The scene to put the subjects in: a URL or the bare Base64 encoding of the
    file (no `data:` prefix); same image rules as the subjects.
     """
    style_image: str | Unset = UNSET
    """ The style to paint in: a URL or the bare Base64 encoding of the file (no
    `data:` prefix); same image rules as the subjects.
     """
    n: int | Unset = UNSET
    """ Number of images to generate, 1 to 9. A task holds `n` concurrency slots.

    Server default when unset: 1. """
    aspect_ratio: AspectRatio | Unset = UNSET
    """ Aspect ratio of the generated images (width:height). Both models of this
    endpoint have all eight; there is no `auto` here (omni-image has one).
     """
    watermark_info: WatermarkInfo | Unset = UNSET
    """ Watermark setting; when enabled, each result image also carries a `watermark_url`. """
    callback_url: str | Unset = UNSET
    """ Address the server notifies (POST, `ImageTaskCallback` payload) whenever
    the task status changes.
     """
    external_task_id: str | Unset = UNSET
    """ The caller's own task id, unique per account. The single-task query
    accepts it in place of `task_id`.
     """

    def to_dict(self) -> dict[str, Any]:
        subject_image_list = []
        for subject_image_list_item_data in self.subject_image_list:
            subject_image_list_item = subject_image_list_item_data.to_dict()
            subject_image_list.append(subject_image_list_item)

        model_name: str | Unset
        if isinstance(self.model_name, Unset):
            model_name = UNSET
        elif isinstance(self.model_name, MultiImageModelName):
            model_name = self.model_name.value
        else:
            model_name = self.model_name

        prompt = self.prompt

        negative_prompt = self.negative_prompt

        scene_image = self.scene_image

        style_image = self.style_image

        n = self.n

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio.value

        watermark_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.watermark_info, Unset):
            watermark_info = self.watermark_info.to_dict()

        callback_url = self.callback_url

        external_task_id = self.external_task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subject_image_list": subject_image_list,
            }
        )
        if model_name is not UNSET:
            field_dict["model_name"] = model_name
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if scene_image is not UNSET:
            field_dict["scene_image"] = scene_image
        if style_image is not UNSET:
            field_dict["style_image"] = style_image
        if n is not UNSET:
            field_dict["n"] = n
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if watermark_info is not UNSET:
            field_dict["watermark_info"] = watermark_info
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if external_task_id is not UNSET:
            field_dict["external_task_id"] = external_task_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.subject_image import SubjectImage
        from ..models.watermark_info import WatermarkInfo

        d = dict(expect_object(src_dict))
        if "subject_image_list" not in d:
            raise ParseError("subject_image_list", "missing required field")
        try:
            _checked_subject_image_list = d.pop("subject_image_list")
            if not isinstance(_checked_subject_image_list, (list, Unset)):
                raise ParseError("", "expected an array")
            subject_image_list = []
            _subject_image_list = _checked_subject_image_list
            for subject_image_list_item_data in _subject_image_list:
                subject_image_list_item = SubjectImage.from_dict(subject_image_list_item_data)

                subject_image_list.append(subject_image_list_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("subject_image_list", error) from None

        try:

            def _parse_model_name(data: object) -> MultiImageModelName | str | Unset:
                if isinstance(data, Unset):
                    return data
                try:
                    if not isinstance(data, str):
                        raise TypeError()
                    model_name_type_0 = MultiImageModelName(data)

                    return model_name_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(MultiImageModelName | str | Unset, data)

            model_name = _parse_model_name(d.pop("model_name", UNSET))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("model_name", error) from None

        _prompt = d.pop("prompt", UNSET)
        prompt = _prompt if isinstance(_prompt, Unset) else expect_str(_prompt, "prompt")

        _negative_prompt = d.pop("negative_prompt", UNSET)
        negative_prompt = (
            _negative_prompt if isinstance(_negative_prompt, Unset) else expect_str(_negative_prompt, "negative_prompt")
        )

        _scene_image = d.pop("scene_image", UNSET)
        scene_image = _scene_image if isinstance(_scene_image, Unset) else expect_str(_scene_image, "scene_image")

        _style_image = d.pop("style_image", UNSET)
        style_image = _style_image if isinstance(_style_image, Unset) else expect_str(_style_image, "style_image")

        _n = d.pop("n", UNSET)
        n = _n if isinstance(_n, Unset) else expect_int(_n, "n")

        try:
            _aspect_ratio = d.pop("aspect_ratio", UNSET)
            aspect_ratio: AspectRatio | Unset
            if isinstance(_aspect_ratio, Unset):
                aspect_ratio = UNSET
            else:
                aspect_ratio = AspectRatio(_aspect_ratio)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("aspect_ratio", error) from None

        try:
            _watermark_info = d.pop("watermark_info", UNSET)
            watermark_info: WatermarkInfo | Unset
            if isinstance(_watermark_info, Unset):
                watermark_info = UNSET
            else:
                watermark_info = WatermarkInfo.from_dict(_watermark_info)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("watermark_info", error) from None

        _callback_url = d.pop("callback_url", UNSET)
        callback_url = _callback_url if isinstance(_callback_url, Unset) else expect_str(_callback_url, "callback_url")

        _external_task_id = d.pop("external_task_id", UNSET)
        external_task_id = (
            _external_task_id
            if isinstance(_external_task_id, Unset)
            else expect_str(_external_task_id, "external_task_id")
        )

        create_multi_image_to_image_task_request = cls(
            subject_image_list=subject_image_list,
            model_name=model_name,
            prompt=prompt,
            negative_prompt=negative_prompt,
            scene_image=scene_image,
            style_image=style_image,
            n=n,
            aspect_ratio=aspect_ratio,
            watermark_info=watermark_info,
            callback_url=callback_url,
            external_task_id=external_task_id,
        )

        return create_multi_image_to_image_task_request
