from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.aspect_ratio import AspectRatio
from ..models.image_reference import ImageReference
from ..models.model_name import ModelName
from ..models.resolution import Resolution
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_float,
    expect_int,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.watermark_info import WatermarkInfo


T = TypeVar("T", bound="CreateImageTaskRequest")


@_attrs_define
class CreateImageTaskRequest:
    """The task to create. Some fields depend on others: no `negative_prompt`
    with `image`; `image_reference` needs `image` and kling-v1-5, which in
    turn needs it whenever `image` is set; kling-v2-new needs `image`;
    kling-v1 has no 21:9; 2k is kling-v2's and kling-v2-1's only.

    """

    prompt: str
    """ Positive text prompt. Cannot exceed 2500 characters. """
    model_name: ModelName | Unset = UNSET
    """ Model to generate with. Capabilities differ (official capability map):
    kling-v1 has every aspect ratio but 21:9 and 1k only; kling-v1-5 all eight
    ratios, 1k, and `image_reference`; kling-v2 and kling-v2-1 all eight ratios,
    1k and 2k; kling-v2-new does restyling of an input image only.
    Clients accept values not listed here, for forward compatibility.
     """
    negative_prompt: str | Unset = UNSET
    """ Negative text prompt. Cannot exceed 2500 characters. Not supported in
    the image-to-image scenario: leave it out when `image` is set.
     """
    image: str | Unset = UNSET
    """ Reference image: an image URL (publicly accessible) or the Base64 encoding
    of the image file. Base64 goes without any prefix: `iV...g==` is correct,
    `data:image/png;base64,iV...g==` is not.
    Formats .jpg, .jpeg, .png; at most 10 MB; width and height at least
    300 px; aspect ratio between 1:2.5 and 2.5:1.
    Required when `image_reference` is set.
     """
    image_reference: ImageReference | Unset = UNSET
    """ Image reference type: `subject` (character feature reference) or `face`
    (character appearance reference). With `face`, the uploaded image must
    contain exactly one face.
     """
    image_fidelity: float | Unset = UNSET
    """ Reference intensity of the user-uploaded image during generation, in
    [0, 1]; the larger, the stronger. Applies to kling-v1 and kling-v1-5.

    Server default when unset: 0.5. """
    human_fidelity: float | Unset = UNSET
    """ Facial reference intensity (similarity of the facial features of the
    person in the reference image), in [0, 1]; the larger, the stronger.
    Only available when `image_reference` is `subject`.

    Server default when unset: 0.45. """
    resolution: Resolution | Unset = UNSET
    """ Resolution: `1k` (1K standard) or `2k` (2K high-res; kling-v2 and kling-v2-1). """
    n: int | Unset = UNSET
    """ Number of images to generate, 1 to 9. A task holds `n` concurrency slots.

    Server default when unset: 1. """
    aspect_ratio: AspectRatio | Unset = UNSET
    """ Aspect ratio of the generated images (width:height). Support differs by
    model: kling-v1 has all but 21:9.
     """
    callback_url: str | Unset = UNSET
    """ Address the server notifies (POST, `ImageTaskCallback` payload) whenever
    the task status changes.
     """
    external_task_id: str | Unset = UNSET
    """ The caller's own task id, unique per account. The single-task query
    accepts it in place of `task_id`; a duplicate answers code 1201
    [3rd-party].
     """
    watermark_info: WatermarkInfo | Unset = UNSET
    """ Watermark setting; when enabled, each result image also carries a `watermark_url`. """

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        model_name: str | Unset = UNSET
        if not isinstance(self.model_name, Unset):
            model_name = self.model_name.value

        negative_prompt = self.negative_prompt

        image = self.image

        image_reference: str | Unset = UNSET
        if not isinstance(self.image_reference, Unset):
            image_reference = self.image_reference.value

        image_fidelity = self.image_fidelity

        human_fidelity = self.human_fidelity

        resolution: str | Unset = UNSET
        if not isinstance(self.resolution, Unset):
            resolution = self.resolution.value

        n = self.n

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio.value

        callback_url = self.callback_url

        external_task_id = self.external_task_id

        watermark_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.watermark_info, Unset):
            watermark_info = self.watermark_info.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if model_name is not UNSET:
            field_dict["model_name"] = model_name
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if image is not UNSET:
            field_dict["image"] = image
        if image_reference is not UNSET:
            field_dict["image_reference"] = image_reference
        if image_fidelity is not UNSET:
            field_dict["image_fidelity"] = image_fidelity
        if human_fidelity is not UNSET:
            field_dict["human_fidelity"] = human_fidelity
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if n is not UNSET:
            field_dict["n"] = n
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if external_task_id is not UNSET:
            field_dict["external_task_id"] = external_task_id
        if watermark_info is not UNSET:
            field_dict["watermark_info"] = watermark_info

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.watermark_info import WatermarkInfo

        d = dict(expect_object(src_dict))
        if "prompt" not in d:
            raise ParseError("prompt", "missing required field")
        prompt = expect_str(d.pop("prompt"), "prompt")

        try:
            _model_name = d.pop("model_name", UNSET)
            model_name: ModelName | Unset
            if isinstance(_model_name, Unset):
                model_name = UNSET
            else:
                model_name = ModelName(_model_name)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("model_name", error) from None

        _negative_prompt = d.pop("negative_prompt", UNSET)
        negative_prompt = (
            _negative_prompt if isinstance(_negative_prompt, Unset) else expect_str(_negative_prompt, "negative_prompt")
        )

        _image = d.pop("image", UNSET)
        image = _image if isinstance(_image, Unset) else expect_str(_image, "image")

        try:
            _image_reference = d.pop("image_reference", UNSET)
            image_reference: ImageReference | Unset
            if isinstance(_image_reference, Unset):
                image_reference = UNSET
            else:
                image_reference = ImageReference(_image_reference)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("image_reference", error) from None

        _image_fidelity = d.pop("image_fidelity", UNSET)
        image_fidelity = (
            _image_fidelity if isinstance(_image_fidelity, Unset) else expect_float(_image_fidelity, "image_fidelity")
        )

        _human_fidelity = d.pop("human_fidelity", UNSET)
        human_fidelity = (
            _human_fidelity if isinstance(_human_fidelity, Unset) else expect_float(_human_fidelity, "human_fidelity")
        )

        try:
            _resolution = d.pop("resolution", UNSET)
            resolution: Resolution | Unset
            if isinstance(_resolution, Unset):
                resolution = UNSET
            else:
                resolution = Resolution(_resolution)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("resolution", error) from None

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

        _callback_url = d.pop("callback_url", UNSET)
        callback_url = _callback_url if isinstance(_callback_url, Unset) else expect_str(_callback_url, "callback_url")

        _external_task_id = d.pop("external_task_id", UNSET)
        external_task_id = (
            _external_task_id
            if isinstance(_external_task_id, Unset)
            else expect_str(_external_task_id, "external_task_id")
        )

        try:
            _watermark_info = d.pop("watermark_info", UNSET)
            watermark_info: WatermarkInfo | Unset
            if isinstance(_watermark_info, Unset):
                watermark_info = UNSET
            else:
                watermark_info = WatermarkInfo.from_dict(_watermark_info)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("watermark_info", error) from None

        create_image_task_request = cls(
            prompt=prompt,
            model_name=model_name,
            negative_prompt=negative_prompt,
            image=image,
            image_reference=image_reference,
            image_fidelity=image_fidelity,
            human_fidelity=human_fidelity,
            resolution=resolution,
            n=n,
            aspect_ratio=aspect_ratio,
            callback_url=callback_url,
            external_task_id=external_task_id,
            watermark_info=watermark_info,
        )

        return create_image_task_request
