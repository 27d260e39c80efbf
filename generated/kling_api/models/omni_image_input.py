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

T = TypeVar("T", bound="OmniImageInput")


@_attrs_define
class OmniImageInput:
    """A reference image of an omni-image request, referred to in the prompt by a placeholder (`<<<image_1>>>`)."""

    image: str
    """ An image URL (publicly accessible) or the Base64 encoding of the image
    file. Formats .jpg, .jpeg, .png; at most 10 MB; width and height at least
    300 px; aspect ratio between 1:2.5 and 2.5:1. Must not be empty. The page
    does not repeat the generations page's "no `data:` prefix" rule; send
    bare Base64 all the same.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "image" not in d:
            raise ParseError("image", "missing required field")
        image = expect_str(d.pop("image"), "image")

        omni_image_input = cls(
            image=image,
        )

        omni_image_input.additional_properties = d
        return omni_image_input

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
