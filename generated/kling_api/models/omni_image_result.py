from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_int,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="OmniImageResult")


@_attrs_define
class OmniImageResult:
    """A generated image of an omni-image task, single or of a series."""

    index: int
    """ Image number; in `series_images`, the position in the series. The page gives no range. """
    url: str
    """ URL of the generated image. Images are deleted after 30 days. """
    watermark_url: str | Unset = UNSET
    """ URL of the watermarked image, when `watermark_info.enabled` was set. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        url = self.url

        watermark_url = self.watermark_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "url": url,
            }
        )
        if watermark_url is not UNSET:
            field_dict["watermark_url"] = watermark_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "index" not in d:
            raise ParseError("index", "missing required field")
        index = expect_int(d.pop("index"), "index")

        if "url" not in d:
            raise ParseError("url", "missing required field")
        url = expect_str(d.pop("url"), "url")

        _watermark_url = d.pop("watermark_url", UNSET)
        watermark_url = (
            _watermark_url if isinstance(_watermark_url, Unset) else expect_str(_watermark_url, "watermark_url")
        )

        omni_image_result = cls(
            index=index,
            url=url,
            watermark_url=watermark_url,
        )

        omni_image_result.additional_properties = d
        return omni_image_result

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
