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

T = TypeVar("T", bound="SubjectImage")


@_attrs_define
class SubjectImage:
    """A subject to put in the picture, cropped already (the service does not crop)."""

    subject_image: str
    """ The subject image: a URL (publicly accessible) or the bare Base64 encoding
    of the file (no `data:` prefix). Formats .jpg, .jpeg, .png; at most 10 MB;
    width and height at least 300 px; aspect ratio between 1:2.5 and 2.5:1.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject_image = self.subject_image

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject_image": subject_image,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "subject_image" not in d:
            raise ParseError("subject_image", "missing required field")
        subject_image = expect_str(d.pop("subject_image"), "subject_image")

        subject_image = cls(
            subject_image=subject_image,
        )

        subject_image.additional_properties = d
        return subject_image

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
