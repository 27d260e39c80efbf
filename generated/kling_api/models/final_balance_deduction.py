from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    UNSET,
    Unset,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="FinalBalanceDeduction")


@_attrs_define
class FinalBalanceDeduction:
    """What the task took from a cash balance, as decimal strings: `quota`, the
    discounted amount charged, and `list_price`, the list price.

    """

    quota: str | Unset = UNSET
    """ The discounted amount charged. """
    list_price: str | Unset = UNSET
    """ The list price. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        quota = self.quota

        list_price = self.list_price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if quota is not UNSET:
            field_dict["quota"] = quota
        if list_price is not UNSET:
            field_dict["list_price"] = list_price

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        _quota = d.pop("quota", UNSET)
        quota = _quota if isinstance(_quota, Unset) else expect_str(_quota, "quota")

        _list_price = d.pop("list_price", UNSET)
        list_price = _list_price if isinstance(_list_price, Unset) else expect_str(_list_price, "list_price")

        final_balance_deduction = cls(
            quota=quota,
            list_price=list_price,
        )

        final_balance_deduction.additional_properties = d
        return final_balance_deduction

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
