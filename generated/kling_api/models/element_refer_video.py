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

T = TypeVar("T", bound="ElementReferVideo")


@_attrs_define
class ElementReferVideo:
    """The video that defines a video character element."""

    video_url: str
    """ The video's URL: .mp4 or .mov, 3 to 8 s, 1080P, 16:9 or 9:16, at most 200
    MB; only realistic humanoid figures. A human voice in it becomes a custom
    voice, added to the voice library and bound to the element.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        video_url = self.video_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "video_url": video_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "video_url" not in d:
            raise ParseError("video_url", "missing required field")
        video_url = expect_str(d.pop("video_url"), "video_url")

        element_refer_video = cls(
            video_url=video_url,
        )

        element_refer_video.additional_properties = d
        return element_refer_video

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
