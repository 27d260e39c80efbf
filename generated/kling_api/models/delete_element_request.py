from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import (
    ParseError,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="DeleteElementRequest")


@_attrs_define
class DeleteElementRequest:
    """The custom element to delete (preset elements cannot be deleted)."""

    element_id: str
    """ The element's id, as a string of its digits (`"829836802793406551"`),
    although results and `element_list` carry it as a number.
     """

    def to_dict(self) -> dict[str, Any]:
        element_id = self.element_id

        field_dict: dict[str, Any] = {}

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
        element_id = expect_str(d.pop("element_id"), "element_id")

        delete_element_request = cls(
            element_id=element_id,
        )

        return delete_element_request
