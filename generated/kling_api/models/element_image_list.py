from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    ParseError,
    Unset,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.element_refer_image import ElementReferImage


T = TypeVar("T", bound="ElementImageList")


@_attrs_define
class ElementImageList:
    """The images that define a multi-image element, one frontal image and one to three more."""

    frontal_image: str
    """ The element seen from the front: an image URL (publicly accessible) or the
    Base64 encoding of the file; formats .jpg, .jpeg, .png; at most 10 MB;
    width and height at least 300 px; aspect ratio between 1:2.5 and 2.5:1.
     """
    refer_images: list[ElementReferImage]
    """ Other angles or close-ups, 1 to 3. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        frontal_image = self.frontal_image

        refer_images = []
        for refer_images_item_data in self.refer_images:
            refer_images_item = refer_images_item_data.to_dict()
            refer_images.append(refer_images_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "frontal_image": frontal_image,
                "refer_images": refer_images,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.element_refer_image import ElementReferImage

        d = dict(expect_object(src_dict))
        if "frontal_image" not in d:
            raise ParseError("frontal_image", "missing required field")
        frontal_image = expect_str(d.pop("frontal_image"), "frontal_image")

        if "refer_images" not in d:
            raise ParseError("refer_images", "missing required field")
        try:
            _checked_refer_images = d.pop("refer_images")
            if not isinstance(_checked_refer_images, (list, Unset)):
                raise ParseError("", "expected an array")
            refer_images = []
            _refer_images = _checked_refer_images
            for refer_images_item_data in _refer_images:
                refer_images_item = ElementReferImage.from_dict(refer_images_item_data)

                refer_images.append(refer_images_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("refer_images", error) from None

        element_image_list = cls(
            frontal_image=frontal_image,
            refer_images=refer_images,
        )

        element_image_list.additional_properties = d
        return element_image_list

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
