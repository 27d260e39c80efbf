from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.resource_pack_status import ResourcePackStatus
from ..models.resource_pack_type import ResourcePackType
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_float,
    expect_int,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="ResourcePack")


@_attrs_define
class ResourcePack:
    """A resource pack of the account. Nothing says whether it is a video, image or try-on pack but its name."""

    resource_pack_name: str | Unset = UNSET
    """ The pack's name. """
    resource_pack_id: str | Unset = UNSET
    """ The pack's id. """
    resource_pack_type: ResourcePackType | Unset = UNSET
    """ `decreasing_total`: a total that counts down; `constant_period`: a fixed allowance per period. """
    total_quantity: float | Unset = UNSET
    """ Units in the pack. """
    remaining_quantity: float | Unset = UNSET
    """ Units left; the figure can lag by up to 12 hours. """
    purchase_time: int | Unset = UNSET
    """ When the pack was bought, Unix timestamp in milliseconds. """
    effective_time: int | Unset = UNSET
    """ When the pack became active, Unix timestamp in milliseconds. """
    invalid_time: int | Unset = UNSET
    """ When the pack expires, Unix timestamp in milliseconds. """
    status: ResourcePackStatus | Unset = UNSET
    """ `toBeOnline`: not active yet; `online`: active; `expired`; `runOut`: used up. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        resource_pack_name = self.resource_pack_name

        resource_pack_id = self.resource_pack_id

        resource_pack_type: str | Unset = UNSET
        if not isinstance(self.resource_pack_type, Unset):
            resource_pack_type = self.resource_pack_type.value

        total_quantity = self.total_quantity

        remaining_quantity = self.remaining_quantity

        purchase_time = self.purchase_time

        effective_time = self.effective_time

        invalid_time = self.invalid_time

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if resource_pack_name is not UNSET:
            field_dict["resource_pack_name"] = resource_pack_name
        if resource_pack_id is not UNSET:
            field_dict["resource_pack_id"] = resource_pack_id
        if resource_pack_type is not UNSET:
            field_dict["resource_pack_type"] = resource_pack_type
        if total_quantity is not UNSET:
            field_dict["total_quantity"] = total_quantity
        if remaining_quantity is not UNSET:
            field_dict["remaining_quantity"] = remaining_quantity
        if purchase_time is not UNSET:
            field_dict["purchase_time"] = purchase_time
        if effective_time is not UNSET:
            field_dict["effective_time"] = effective_time
        if invalid_time is not UNSET:
            field_dict["invalid_time"] = invalid_time
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        _resource_pack_name = d.pop("resource_pack_name", UNSET)
        resource_pack_name = (
            _resource_pack_name
            if isinstance(_resource_pack_name, Unset)
            else expect_str(_resource_pack_name, "resource_pack_name")
        )

        _resource_pack_id = d.pop("resource_pack_id", UNSET)
        resource_pack_id = (
            _resource_pack_id
            if isinstance(_resource_pack_id, Unset)
            else expect_str(_resource_pack_id, "resource_pack_id")
        )

        try:
            _resource_pack_type = d.pop("resource_pack_type", UNSET)
            resource_pack_type: ResourcePackType | Unset
            if isinstance(_resource_pack_type, Unset):
                resource_pack_type = UNSET
            else:
                resource_pack_type = ResourcePackType(_resource_pack_type)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("resource_pack_type", error) from None

        _total_quantity = d.pop("total_quantity", UNSET)
        total_quantity = (
            _total_quantity if isinstance(_total_quantity, Unset) else expect_float(_total_quantity, "total_quantity")
        )

        _remaining_quantity = d.pop("remaining_quantity", UNSET)
        remaining_quantity = (
            _remaining_quantity
            if isinstance(_remaining_quantity, Unset)
            else expect_float(_remaining_quantity, "remaining_quantity")
        )

        _purchase_time = d.pop("purchase_time", UNSET)
        purchase_time = (
            _purchase_time if isinstance(_purchase_time, Unset) else expect_int(_purchase_time, "purchase_time")
        )

        _effective_time = d.pop("effective_time", UNSET)
        effective_time = (
            _effective_time if isinstance(_effective_time, Unset) else expect_int(_effective_time, "effective_time")
        )

        _invalid_time = d.pop("invalid_time", UNSET)
        invalid_time = _invalid_time if isinstance(_invalid_time, Unset) else expect_int(_invalid_time, "invalid_time")

        try:
            _status = d.pop("status", UNSET)
            status: ResourcePackStatus | Unset
            if isinstance(_status, Unset):
                status = UNSET
            else:
                status = ResourcePackStatus(_status)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("status", error) from None

        resource_pack = cls(
            resource_pack_name=resource_pack_name,
            resource_pack_id=resource_pack_id,
            resource_pack_type=resource_pack_type,
            total_quantity=total_quantity,
            remaining_quantity=remaining_quantity,
            purchase_time=purchase_time,
            effective_time=effective_time,
            invalid_time=invalid_time,
            status=status,
        )

        resource_pack.additional_properties = d
        return resource_pack

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
