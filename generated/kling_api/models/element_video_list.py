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
    from ..models.element_refer_video import ElementReferVideo


T = TypeVar("T", bound="ElementVideoList")


@_attrs_define
class ElementVideoList:
    """The video that defines a video character element: at most one. Video elements
    serve `kling-video-o3` and later video models only, not the image endpoints.

    """

    refer_videos: list[ElementReferVideo] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        refer_videos: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.refer_videos, Unset):
            refer_videos = []
            for refer_videos_item_data in self.refer_videos:
                refer_videos_item = refer_videos_item_data.to_dict()
                refer_videos.append(refer_videos_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if refer_videos is not UNSET:
            field_dict["refer_videos"] = refer_videos

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.element_refer_video import ElementReferVideo

        d = dict(expect_object(src_dict))
        try:
            _checked_refer_videos = d.pop("refer_videos", UNSET)
            if not isinstance(_checked_refer_videos, (list, Unset)):
                raise ParseError("", "expected an array")
            _refer_videos = _checked_refer_videos
            refer_videos: list[ElementReferVideo] | Unset = UNSET
            if _refer_videos is not UNSET:
                refer_videos = []
                for refer_videos_item_data in _refer_videos:
                    refer_videos_item = ElementReferVideo.from_dict(refer_videos_item_data)

                    refer_videos.append(refer_videos_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("refer_videos", error) from None

        element_video_list = cls(
            refer_videos=refer_videos,
        )

        element_video_list.additional_properties = d
        return element_video_list

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
