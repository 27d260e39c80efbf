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
    expect_str,
)

if TYPE_CHECKING:
    from ..models.resource_pack import ResourcePack


T = TypeVar("T", bound="AccountCosts")


@_attrs_define
class AccountCosts:
    """The account's resource packs, with an inner code and message of their own."""

    code: int | Unset = UNSET
    """ Inner error code (the envelope has its own `code`). """
    msg: str | Unset = UNSET
    """ Inner error text. """
    resource_pack_subscribe_infos: list[ResourcePack] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        msg = self.msg

        resource_pack_subscribe_infos: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.resource_pack_subscribe_infos, Unset):
            resource_pack_subscribe_infos = []
            for resource_pack_subscribe_infos_item_data in self.resource_pack_subscribe_infos:
                resource_pack_subscribe_infos_item = resource_pack_subscribe_infos_item_data.to_dict()
                resource_pack_subscribe_infos.append(resource_pack_subscribe_infos_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if msg is not UNSET:
            field_dict["msg"] = msg
        if resource_pack_subscribe_infos is not UNSET:
            field_dict["resource_pack_subscribe_infos"] = resource_pack_subscribe_infos

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.resource_pack import ResourcePack

        d = dict(expect_object(src_dict))
        _code = d.pop("code", UNSET)
        code = _code if isinstance(_code, Unset) else expect_int(_code, "code")

        _msg = d.pop("msg", UNSET)
        msg = _msg if isinstance(_msg, Unset) else expect_str(_msg, "msg")

        try:
            _checked_resource_pack_subscribe_infos = d.pop("resource_pack_subscribe_infos", UNSET)
            if not isinstance(_checked_resource_pack_subscribe_infos, (list, Unset)):
                raise ParseError("", "expected an array")
            _resource_pack_subscribe_infos = _checked_resource_pack_subscribe_infos
            resource_pack_subscribe_infos: list[ResourcePack] | Unset = UNSET
            if _resource_pack_subscribe_infos is not UNSET:
                resource_pack_subscribe_infos = []
                for resource_pack_subscribe_infos_item_data in _resource_pack_subscribe_infos:
                    resource_pack_subscribe_infos_item = ResourcePack.from_dict(resource_pack_subscribe_infos_item_data)

                    resource_pack_subscribe_infos.append(resource_pack_subscribe_infos_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("resource_pack_subscribe_infos", error) from None

        account_costs = cls(
            code=code,
            msg=msg,
            resource_pack_subscribe_infos=resource_pack_subscribe_infos,
        )

        account_costs.additional_properties = d
        return account_costs

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
