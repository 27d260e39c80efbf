from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.element_tag_id import ElementTagId
from ..types import (
    ParseError,
    expect_object,
)

T = TypeVar("T", bound="ElementTag")


@_attrs_define
class ElementTag:
    """A tag of an element."""

    tag_id: ElementTagId
    """ An element tag: `o_101` Hottest, `o_102` Character, `o_103` Animal, `o_104`
    Item, `o_105` Costume, `o_106` Scene, `o_107` Effect, `o_108` Others.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tag_id = self.tag_id.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tag_id": tag_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "tag_id" not in d:
            raise ParseError("tag_id", "missing required field")
        try:
            tag_id = ElementTagId(d.pop("tag_id"))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("tag_id", error) from None

        element_tag = cls(
            tag_id=tag_id,
        )

        element_tag.additional_properties = d
        return element_tag

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
