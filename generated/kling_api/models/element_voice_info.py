from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="ElementVoiceInfo")


@_attrs_define
class ElementVoiceInfo:
    """The voice bound to an element (an empty object when none)."""

    voice_id: str | Unset = UNSET
    """ The voice's id in the voice library. """
    voice_name: str | Unset = UNSET
    """ The voice's name. """
    trial_url: str | Unset = UNSET
    """ URL of a sample of the voice. """
    owned_by: int | str | Unset = UNSET
    """ `kling` for an official voice, else the creator's id. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        voice_id = self.voice_id

        voice_name = self.voice_name

        trial_url = self.trial_url

        owned_by: int | str | Unset
        if isinstance(self.owned_by, Unset):
            owned_by = UNSET
        else:
            owned_by = self.owned_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if voice_id is not UNSET:
            field_dict["voice_id"] = voice_id
        if voice_name is not UNSET:
            field_dict["voice_name"] = voice_name
        if trial_url is not UNSET:
            field_dict["trial_url"] = trial_url
        if owned_by is not UNSET:
            field_dict["owned_by"] = owned_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        _voice_id = d.pop("voice_id", UNSET)
        voice_id = _voice_id if isinstance(_voice_id, Unset) else expect_str(_voice_id, "voice_id")

        _voice_name = d.pop("voice_name", UNSET)
        voice_name = _voice_name if isinstance(_voice_name, Unset) else expect_str(_voice_name, "voice_name")

        _trial_url = d.pop("trial_url", UNSET)
        trial_url = _trial_url if isinstance(_trial_url, Unset) else expect_str(_trial_url, "trial_url")

        try:

            def _parse_owned_by(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            owned_by = _parse_owned_by(d.pop("owned_by", UNSET))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("owned_by", error) from None

        element_voice_info = cls(
            voice_id=voice_id,
            voice_name=voice_name,
            trial_url=trial_url,
            owned_by=owned_by,
        )

        element_voice_info.additional_properties = d
        return element_voice_info

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
