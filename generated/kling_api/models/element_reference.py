from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    ParseError,
    expect_int,
    expect_object,
)

T = TypeVar("T", bound="ElementReference")


@_attrs_define
class ElementReference:
    """An element of the element library (`/v1/general/advanced-custom-elements`) to use as a reference."""

    element_id: int
    """ The element's id, from the element library. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        element_id = self.element_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "element_id": element_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "element_id" not in d:
            raise ParseError("element_id", "missing required field")
        element_id = expect_int(d.pop("element_id"), "element_id")

        element_reference = cls(
            element_id=element_id,
        )

        element_reference.additional_properties = d
        return element_reference

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
