from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

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
    from ..models.element_reference import ElementReference
    from ..models.watermark_info import WatermarkInfo


T = TypeVar("T", bound="CreateImageTaskRequest")


@_attrs_define
class CreateImageTaskRequest:
    """The task to create (2026 edition: Kling Image 3.0 and 2.1). Rules that hold
    for every model: no `negative_prompt` with `image`; `image_reference` needs
    `image`; elements and reference images together at most 10. What a model
    supports (ratios, resolutions, reference types, the fidelity fields,
    elements) is listed in `x-kling-capabilities` and decided by the server.

    """

    prompt: str
    """ Positive text prompt. Cannot exceed 2500 characters. """
    model_name: ModelName | str | Unset = UNSET
    """ Model to generate with: `kling-v3` (Kling Image 3.0) or `kling-v2-1` (Kling
    Image 2.1), or any other model name the service offers. Left out, the
    service uses its default.

    Server default when unset: ModelName.KLING_V3. """
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
    """ Reference strength of the uploaded image, in [0, 1]; the larger, the
    stronger. `kling-v2-1` only.

    Server default when unset: 0.5. """
    human_fidelity: float | Unset = UNSET
    """ Facial likeness to the person in the reference image, in [0, 1]; the
    larger, the closer. Only has an effect when `image_reference` is `subject`.
    `kling-v2-1` only.

    Server default when unset: 0.45. """
    element_list: list[ElementReference] | Unset = UNSET
    """ Elements of the element library to use as references. Elements and
    reference images together are at most 10, so at most 9 beside an `image`.
    The capability map gives Subject Control, taken to be this field
    [inference], to Kling Image 3.0 (`kling-v3`) only, not to Kling Image 2.1.
     """
    resolution: Resolution | Unset = UNSET
    """ Resolution: `1k` (1K standard) or `2k` (2K high-res). Both models of this endpoint have both. """
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
    accepts it in place of `task_id`; a duplicate answers code 1201
    [3rd-party].
     """
    model: str | Unset = UNSET
    """ Legacy name of `model_name`, still accepted; the service treats it like
    an empty `model_name` [official: GEN21]. Use `model_name`.
     """

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        model_name: str | Unset
        if isinstance(self.model_name, Unset):
            model_name = UNSET
        elif isinstance(self.model_name, ModelName):
            model_name = self.model_name.value
        else:
            model_name = self.model_name

        negative_prompt = self.negative_prompt

        image = self.image

        image_reference: str | Unset = UNSET
        if not isinstance(self.image_reference, Unset):
            image_reference = self.image_reference.value

        image_fidelity = self.image_fidelity

        human_fidelity = self.human_fidelity

        element_list: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.element_list, Unset):
            element_list = []
            for element_list_item_data in self.element_list:
                element_list_item = element_list_item_data.to_dict()
                element_list.append(element_list_item)

        resolution: str | Unset = UNSET
        if not isinstance(self.resolution, Unset):
            resolution = self.resolution.value

        n = self.n

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio.value

        watermark_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.watermark_info, Unset):
            watermark_info = self.watermark_info.to_dict()

        callback_url = self.callback_url

        external_task_id = self.external_task_id

        model = self.model

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
        if element_list is not UNSET:
            field_dict["element_list"] = element_list
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
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
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.element_reference import ElementReference
        from ..models.watermark_info import WatermarkInfo

        d = dict(expect_object(src_dict))
        if "prompt" not in d:
            raise ParseError("prompt", "missing required field")
        prompt = expect_str(d.pop("prompt"), "prompt")

        try:

            def _parse_model_name(data: object) -> ModelName | str | Unset:
                if isinstance(data, Unset):
                    return data
                try:
                    if not isinstance(data, str):
                        raise TypeError()
                    model_name_type_0 = ModelName(data)

                    return model_name_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(ModelName | str | Unset, data)

            model_name = _parse_model_name(d.pop("model_name", UNSET))

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
            _checked_element_list = d.pop("element_list", UNSET)
            if not isinstance(_checked_element_list, (list, Unset)):
                raise ParseError("", "expected an array")
            _element_list = _checked_element_list
            element_list: list[ElementReference] | Unset = UNSET
            if _element_list is not UNSET:
                element_list = []
                for element_list_item_data in _element_list:
                    element_list_item = ElementReference.from_dict(element_list_item_data)

                    element_list.append(element_list_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("element_list", error) from None

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

        _model = d.pop("model", UNSET)
        model = _model if isinstance(_model, Unset) else expect_str(_model, "model")

        create_image_task_request = cls(
            prompt=prompt,
            model_name=model_name,
            negative_prompt=negative_prompt,
            image=image,
            image_reference=image_reference,
            image_fidelity=image_fidelity,
            human_fidelity=human_fidelity,
            element_list=element_list,
            resolution=resolution,
            n=n,
            aspect_ratio=aspect_ratio,
            watermark_info=watermark_info,
            callback_url=callback_url,
            external_task_id=external_task_id,
            model=model,
        )

        return create_image_task_request
