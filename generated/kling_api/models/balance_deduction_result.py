from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_int,
    expect_object,
)

if TYPE_CHECKING:
    from ..models.balance_deduction import BalanceDeduction


T = TypeVar("T", bound="BalanceDeductionResult")


@_attrs_define
class BalanceDeductionResult:
    detail: list[BalanceDeduction] | Unset = UNSET
    """ One entry per task charged. """
    count: int | Unset = UNSET
    """ Entries in this answer. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.detail, Unset):
            detail = []
            for detail_item_data in self.detail:
                detail_item = detail_item_data.to_dict()
                detail.append(detail_item)

        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if detail is not UNSET:
            field_dict["detail"] = detail
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.balance_deduction import BalanceDeduction

        d = dict(expect_object(src_dict))
        try:
            _checked_detail = d.pop("detail", UNSET)
            if not isinstance(_checked_detail, (list, Unset)):
                raise ParseError("", "expected an array")
            _detail = _checked_detail
            detail: list[BalanceDeduction] | Unset = UNSET
            if _detail is not UNSET:
                detail = []
                for detail_item_data in _detail:
                    detail_item = BalanceDeduction.from_dict(detail_item_data)

                    detail.append(detail_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("detail", error) from None

        _count = d.pop("count", UNSET)
        count = _count if isinstance(_count, Unset) else expect_int(_count, "count")

        balance_deduction_result = cls(
            detail=detail,
            count=count,
        )

        balance_deduction_result.additional_properties = d
        return balance_deduction_result

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
