from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.result_type import ResultType
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_object,
)

if TYPE_CHECKING:
    from ..models.omni_image_result import OmniImageResult


T = TypeVar("T", bound="OmniImageTaskResult")


@_attrs_define
class OmniImageTaskResult:
    result_type: ResultType | Unset = UNSET
    """ `single`: `n` separate images; `series`: an image series of `series_amount` images. """
    images: list[OmniImageResult] | Unset = UNSET
    """ The images of a single result. The page is silent on whether a series has any. """
    series_images: list[OmniImageResult] | Unset = UNSET
    """ The images of a series, in order. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result_type: str | Unset = UNSET
        if not isinstance(self.result_type, Unset):
            result_type = self.result_type.value

        images: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.images, Unset):
            images = []
            for images_item_data in self.images:
                images_item = images_item_data.to_dict()
                images.append(images_item)

        series_images: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.series_images, Unset):
            series_images = []
            for series_images_item_data in self.series_images:
                series_images_item = series_images_item_data.to_dict()
                series_images.append(series_images_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if result_type is not UNSET:
            field_dict["result_type"] = result_type
        if images is not UNSET:
            field_dict["images"] = images
        if series_images is not UNSET:
            field_dict["series_images"] = series_images

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.omni_image_result import OmniImageResult

        d = dict(expect_object(src_dict))
        try:
            _result_type = d.pop("result_type", UNSET)
            result_type: ResultType | Unset
            if isinstance(_result_type, Unset):
                result_type = UNSET
            else:
                result_type = ResultType(_result_type)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("result_type", error) from None

        try:
            _checked_images = d.pop("images", UNSET)
            if not isinstance(_checked_images, (list, Unset)):
                raise ParseError("", "expected an array")
            _images = _checked_images
            images: list[OmniImageResult] | Unset = UNSET
            if _images is not UNSET:
                images = []
                for images_item_data in _images:
                    images_item = OmniImageResult.from_dict(images_item_data)

                    images.append(images_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("images", error) from None

        try:
            _checked_series_images = d.pop("series_images", UNSET)
            if not isinstance(_checked_series_images, (list, Unset)):
                raise ParseError("", "expected an array")
            _series_images = _checked_series_images
            series_images: list[OmniImageResult] | Unset = UNSET
            if _series_images is not UNSET:
                series_images = []
                for series_images_item_data in _series_images:
                    series_images_item = OmniImageResult.from_dict(series_images_item_data)

                    series_images.append(series_images_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("series_images", error) from None

        omni_image_task_result = cls(
            result_type=result_type,
            images=images,
            series_images=series_images,
        )

        omni_image_task_result.additional_properties = d
        return omni_image_task_result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
