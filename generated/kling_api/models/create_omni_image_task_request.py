from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.omni_aspect_ratio import OmniAspectRatio
from ..models.omni_model_name import OmniModelName
from ..models.omni_resolution import OmniResolution
from ..models.result_type import ResultType
from ..models.series_amount_auto import SeriesAmountAuto
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_int,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.element_reference import ElementReference
    from ..models.omni_image_input import OmniImageInput
    from ..models.watermark_info import WatermarkInfo


T = TypeVar("T", bound="CreateOmniImageTaskRequest")


@_attrs_define
class CreateOmniImageTaskRequest:
    """The omni-image task to create (2026 edition: Kling Image O1 and Kling Image
    3.0 Omni). The rule that holds for every model: reference images and elements
    together at most 10. What a model supports (ratios, resolutions, series, the
    `auto` ratio for text to image) is listed in `x-kling-capabilities` and
    decided by the server.

    """

    prompt: str
    """ Text prompt, at most 2500 characters. It may say what to avoid as well:
    there is no `negative_prompt`. Inputs are referred to by placeholders in
    three angle brackets: `<<<image_1>>>` for an image of `image_list`,
    `<<<element_1>>>` for an element of `element_list`.
     """
    model_name: OmniModelName | str | Unset = UNSET
    """ Model to generate with: `kling-image-o1` (Kling Image O1) or
    `kling-v3-omni` (Kling Image 3.0 Omni), or any other model name the service
    offers. Left out, the service uses its default.

    Server default when unset: OmniModelName.KLING_IMAGE_O1. """
    image_list: list[OmniImageInput] | Unset = UNSET
    """ Reference images. Images and elements together are at most 10. With
    several, this is multi-image to image (both models). Left out or empty,
    the task is text to image.
     """
    element_list: list[ElementReference] | Unset = UNSET
    """ Elements of the element library to use as references. Elements and
    reference images together are at most 10. The capability map gives
    Subject Control, taken to be this field [inference], to both models, with
    multi-image (`image_refer`) elements only.
     """
    resolution: OmniResolution | Unset = UNSET
    """ Resolution: `1k`, `2k` or `4k`. The capability map gives 4K to Kling Image
    3.0 Omni only (see `x-kling-capabilities`).
     """
    result_type: ResultType | Unset = UNSET
    """ `single`: `n` separate images; `series`: an image series of `series_amount` images. """
    n: int | Unset = UNSET
    """ Number of images, 1 to 9. Ignored when `result_type` is `series`
    (`series_amount` counts then). A task holds `n` concurrency slots.

    Server default when unset: 1. """
    series_amount: int | SeriesAmountAuto | Unset = UNSET
    """ Images in the series, 2 to 9, or `auto` (the model chooses; the task then
    holds as many concurrency slots as images it produces). Ignored when
    `result_type` is `single`. Series are Kling Image 3.0 Omni's.

    Server default when unset: 4. """
    aspect_ratio: OmniAspectRatio | Unset = UNSET
    """ Aspect ratio of the generated images (width:height), or `auto`, chosen from
    the inputs. Kling Image 3.0 Omni does not take `auto` for text to image (see
    `x-kling-capabilities`).
     """
    watermark_info: WatermarkInfo | Unset = UNSET
    """ Watermark setting; when enabled, each result image also carries a `watermark_url`. """
    callback_url: str | Unset = UNSET
    """ Address the server notifies (POST, the task as `getOmniImageTask` answers
    it) whenever the task status changes.
     """
    external_task_id: str | Unset = UNSET
    """ The caller's own task id, unique per account. The single-task query
    accepts it in place of `task_id`.
     """

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        model_name: str | Unset
        if isinstance(self.model_name, Unset):
            model_name = UNSET
        elif isinstance(self.model_name, OmniModelName):
            model_name = self.model_name.value
        else:
            model_name = self.model_name

        image_list: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.image_list, Unset):
            image_list = []
            for image_list_item_data in self.image_list:
                image_list_item = image_list_item_data.to_dict()
                image_list.append(image_list_item)

        element_list: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.element_list, Unset):
            element_list = []
            for element_list_item_data in self.element_list:
                element_list_item = element_list_item_data.to_dict()
                element_list.append(element_list_item)

        resolution: str | Unset = UNSET
        if not isinstance(self.resolution, Unset):
            resolution = self.resolution.value

        result_type: str | Unset = UNSET
        if not isinstance(self.result_type, Unset):
            result_type = self.result_type.value

        n = self.n

        series_amount: int | str | Unset
        if isinstance(self.series_amount, Unset):
            series_amount = UNSET
        elif isinstance(self.series_amount, SeriesAmountAuto):
            series_amount = self.series_amount.value
        else:
            series_amount = self.series_amount

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
                "prompt": prompt,
            }
        )
        if model_name is not UNSET:
            field_dict["model_name"] = model_name
        if image_list is not UNSET:
            field_dict["image_list"] = image_list
        if element_list is not UNSET:
            field_dict["element_list"] = element_list
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if result_type is not UNSET:
            field_dict["result_type"] = result_type
        if n is not UNSET:
            field_dict["n"] = n
        if series_amount is not UNSET:
            field_dict["series_amount"] = series_amount
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
        from ..models.element_reference import ElementReference
        from ..models.omni_image_input import OmniImageInput
        from ..models.watermark_info import WatermarkInfo

        d = dict(expect_object(src_dict))
        if "prompt" not in d:
            raise ParseError("prompt", "missing required field")
        prompt = expect_str(d.pop("prompt"), "prompt")

        try:

            def _parse_model_name(data: object) -> OmniModelName | str | Unset:
                if isinstance(data, Unset):
                    return data
                try:
                    if not isinstance(data, str):
                        raise TypeError()
                    model_name_type_0 = OmniModelName(data)

                    return model_name_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(OmniModelName | str | Unset, data)

            model_name = _parse_model_name(d.pop("model_name", UNSET))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("model_name", error) from None

        try:
            _checked_image_list = d.pop("image_list", UNSET)
            if not isinstance(_checked_image_list, (list, Unset)):
                raise ParseError("", "expected an array")
            _image_list = _checked_image_list
            image_list: list[OmniImageInput] | Unset = UNSET
            if _image_list is not UNSET:
                image_list = []
                for image_list_item_data in _image_list:
                    image_list_item = OmniImageInput.from_dict(image_list_item_data)

                    image_list.append(image_list_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("image_list", error) from None

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
            resolution: OmniResolution | Unset
            if isinstance(_resolution, Unset):
                resolution = UNSET
            else:
                resolution = OmniResolution(_resolution)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("resolution", error) from None

        try:
            _result_type = d.pop("result_type", UNSET)
            result_type: ResultType | Unset
            if isinstance(_result_type, Unset):
                result_type = UNSET
            else:
                result_type = ResultType(_result_type)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("result_type", error) from None

        _n = d.pop("n", UNSET)
        n = _n if isinstance(_n, Unset) else expect_int(_n, "n")

        try:

            def _parse_series_amount(data: object) -> int | SeriesAmountAuto | Unset:
                if isinstance(data, Unset):
                    return data
                try:
                    if not isinstance(data, str):
                        raise TypeError()
                    series_amount_type_1 = SeriesAmountAuto(data)

                    return series_amount_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(int | SeriesAmountAuto | Unset, data)

            series_amount = _parse_series_amount(d.pop("series_amount", UNSET))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("series_amount", error) from None

        try:
            _aspect_ratio = d.pop("aspect_ratio", UNSET)
            aspect_ratio: OmniAspectRatio | Unset
            if isinstance(_aspect_ratio, Unset):
                aspect_ratio = UNSET
            else:
                aspect_ratio = OmniAspectRatio(_aspect_ratio)

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

        create_omni_image_task_request = cls(
            prompt=prompt,
            model_name=model_name,
            image_list=image_list,
            element_list=element_list,
            resolution=resolution,
            result_type=result_type,
            n=n,
            series_amount=series_amount,
            aspect_ratio=aspect_ratio,
            watermark_info=watermark_info,
            callback_url=callback_url,
            external_task_id=external_task_id,
        )

        return create_omni_image_task_request
