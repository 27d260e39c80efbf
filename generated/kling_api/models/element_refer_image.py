from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    ParseError,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="ElementReferImage")


@_attrs_define
class ElementReferImage:
    """One more view of a multi-image element (another angle, a close-up)."""

    image_url: str
    """ An image URL (publicly accessible) or the Base64 encoding of the file;
    formats .jpg, .jpeg, .png; at most 10 MB; width and height at least 300 px;
    aspect ratio between 1:2.5 and 2.5:1.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image_url = self.image_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image_url": image_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "image_url" not in d:
            raise ParseError("image_url", "missing required field")
        image_url = expect_str(d.pop("image_url"), "image_url")

        element_refer_image = cls(
            image_url=image_url,
        )

        element_refer_image.additional_properties = d
        return element_refer_image

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
