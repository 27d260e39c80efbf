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

T = TypeVar("T", bound="MultiShotImageResult")


@_attrs_define
class MultiShotImageResult:
    """One result set of an AI Multi-Shot task, three images of the element (which angle each shows is not documented)."""

    index: int
    """ Result set number, 0-2. """
    url_1: str | Unset = UNSET
    """ URL of the first image. Images are deleted after 30 days. """
    url_2: str | Unset = UNSET
    """ URL of the second image. """
    url_3: str | Unset = UNSET
    """ URL of the third image. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        url_1 = self.url_1

        url_2 = self.url_2

        url_3 = self.url_3

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
            }
        )
        if url_1 is not UNSET:
            field_dict["url_1"] = url_1
        if url_2 is not UNSET:
            field_dict["url_2"] = url_2
        if url_3 is not UNSET:
            field_dict["url_3"] = url_3

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "index" not in d:
            raise ParseError("index", "missing required field")
        index = expect_int(d.pop("index"), "index")

        _url_1 = d.pop("url_1", UNSET)
        url_1 = _url_1 if isinstance(_url_1, Unset) else expect_str(_url_1, "url_1")

        _url_2 = d.pop("url_2", UNSET)
        url_2 = _url_2 if isinstance(_url_2, Unset) else expect_str(_url_2, "url_2")

        _url_3 = d.pop("url_3", UNSET)
        url_3 = _url_3 if isinstance(_url_3, Unset) else expect_str(_url_3, "url_3")

        multi_shot_image_result = cls(
            index=index,
            url_1=url_1,
            url_2=url_2,
            url_3=url_3,
        )

        multi_shot_image_result.additional_properties = d
        return multi_shot_image_result

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
