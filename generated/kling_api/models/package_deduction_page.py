from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_bool,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.package_deduction_result import PackageDeductionResult


T = TypeVar("T", bound="PackageDeductionPage")


@_attrs_define
class PackageDeductionPage:
    result: PackageDeductionResult | Unset = UNSET
    next_cursor: str | Unset = UNSET
    """ The `cursor` that asks for the next page. """
    has_more: bool | Unset = UNSET
    """ Whether there are more entries. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] | Unset = UNSET
        if not isinstance(self.result, Unset):
            result = self.result.to_dict()

        next_cursor = self.next_cursor

        has_more = self.has_more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if result is not UNSET:
            field_dict["result"] = result
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor
        if has_more is not UNSET:
            field_dict["has_more"] = has_more

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.package_deduction_result import PackageDeductionResult

        d = dict(expect_object(src_dict))
        try:
            _result = d.pop("result", UNSET)
            result: PackageDeductionResult | Unset
            if isinstance(_result, Unset):
                result = UNSET
            else:
                result = PackageDeductionResult.from_dict(_result)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("result", error) from None

        _next_cursor = d.pop("next_cursor", UNSET)
        next_cursor = _next_cursor if isinstance(_next_cursor, Unset) else expect_str(_next_cursor, "next_cursor")

        _has_more = d.pop("has_more", UNSET)
        has_more = _has_more if isinstance(_has_more, Unset) else expect_bool(_has_more, "has_more")

        package_deduction_page = cls(
            result=result,
            next_cursor=next_cursor,
            has_more=has_more,
        )

        package_deduction_page.additional_properties = d
        return package_deduction_page

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
