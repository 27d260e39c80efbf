from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    UNSET,
    Unset,
    expect_bool,
    expect_object,
)

T = TypeVar("T", bound="WatermarkInfo")


@_attrs_define
class WatermarkInfo:
    """Watermark setting; when enabled, each result image also carries a `watermark_url`."""

    enabled: bool | Unset = UNSET
    """ Whether to also produce watermarked images. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        _enabled = d.pop("enabled", UNSET)
        enabled = _enabled if isinstance(_enabled, Unset) else expect_bool(_enabled, "enabled")

        watermark_info = cls(
            enabled=enabled,
        )

        watermark_info.additional_properties = d
        return watermark_info

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
