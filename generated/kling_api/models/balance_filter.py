from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.balance_filter_key import BalanceFilterKey
from ..types import (
    ParseError,
    Unset,
    expect_object,
)

T = TypeVar("T", bound="BalanceFilter")


@_attrs_define
class BalanceFilter:
    """Keep the entries whose `key` is one of `values`."""

    key: BalanceFilterKey
    """ What a balance-ledger filter matches: `api_key_name`, the only key. """
    values: list[str]
    """ Any of these values matches (a union). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key.value

        values = self.values

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "values": values,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "key" not in d:
            raise ParseError("key", "missing required field")
        try:
            key = BalanceFilterKey(d.pop("key"))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("key", error) from None

        if "values" not in d:
            raise ParseError("values", "missing required field")
        try:
            _checked_values = d.pop("values")
            if not isinstance(_checked_values, (list, Unset)):
                raise ParseError("", "expected an array")
            values = cast(list[str], _checked_values)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("values", error) from None

        balance_filter = cls(
            key=key,
            values=values,
        )

        balance_filter.additional_properties = d
        return balance_filter

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
