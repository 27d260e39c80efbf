from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_object,
)

if TYPE_CHECKING:
    from ..models.multi_shot_image_result import MultiShotImageResult


T = TypeVar("T", bound="MultiShotTaskResult")


@_attrs_define
class MultiShotTaskResult:
    images: list[MultiShotImageResult] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        images: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.images, Unset):
            images = []
            for images_item_data in self.images:
                images_item = images_item_data.to_dict()
                images.append(images_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if images is not UNSET:
            field_dict["images"] = images

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.multi_shot_image_result import MultiShotImageResult

        d = dict(expect_object(src_dict))
        try:
            _checked_images = d.pop("images", UNSET)
            if not isinstance(_checked_images, (list, Unset)):
                raise ParseError("", "expected an array")
            _images = _checked_images
            images: list[MultiShotImageResult] | Unset = UNSET
            if _images is not UNSET:
                images = []
                for images_item_data in _images:
                    images_item = MultiShotImageResult.from_dict(images_item_data)

                    images.append(images_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("images", error) from None

        multi_shot_task_result = cls(
            images=images,
        )

        multi_shot_task_result.additional_properties = d
        return multi_shot_task_result

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
