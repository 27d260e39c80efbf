from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.package_filter_key import PackageFilterKey
from ..types import (
    ParseError,
    Unset,
    expect_object,
)

T = TypeVar("T", bound="PackageFilter")


@_attrs_define
class PackageFilter:
    """Keep the entries whose `key` is one of `values`; `product_type` takes `video`, `image` or `try-on`."""

    key: PackageFilterKey
    """ What a unit-ledger filter matches: `api_key_name`, `product_type` (`video`,
    `image`, `try-on`), `package_name` or `package_id` (not both).
     """
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
            key = PackageFilterKey(d.pop("key"))

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

        package_filter = cls(
            key=key,
            values=values,
        )

        package_filter.additional_properties = d
        return package_filter

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
