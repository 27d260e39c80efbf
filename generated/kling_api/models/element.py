from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.element_reference_type import ElementReferenceType
from ..models.element_status import ElementStatus
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_int,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.element_element_image_list import ElementElementImageList
    from ..models.element_element_video_list import ElementElementVideoList
    from ..models.element_tag import ElementTag
    from ..models.element_voice_info import ElementVoiceInfo


T = TypeVar("T", bound="Element")


@_attrs_define
class Element:
    """An element of the library, as an element task's result lists it."""

    element_id: int | Unset = UNSET
    """ The element's id, what `element_list` of the image endpoints takes. """
    element_name: str | Unset = UNSET
    """ The element's name. """
    element_description: str | Unset = UNSET
    """ The element's description. """
    reference_type: ElementReferenceType | Unset = UNSET
    """ How an element's looks are defined: `image_refer`, a multi-image element (by
    `element_image_list`); `video_refer`, a video character element (by
    `element_video_list`).
     """
    element_image_list: ElementElementImageList | Unset = UNSET
    """ The images the element was created with, as `ElementImageList` of the
    create request (the page types the field object only; empty for a video
    element).
     """
    element_video_list: ElementElementVideoList | Unset = UNSET
    """ The video the element was created with, as `ElementVideoList` of the create
    request (the page types the field object only; empty for a multi-image
    element).
     """
    element_voice_info: ElementVoiceInfo | Unset = UNSET
    """ The voice bound to an element (an empty object when none). """
    tag_list: list[ElementTag] | Unset = UNSET
    """ The element's tags. """
    owned_by: int | str | Unset = UNSET
    """ `kling` for an element of the official library, else its creator's id (a number). """
    status: ElementStatus | Unset = UNSET
    """ `succeed`: the element is usable; `deleted`: it was deleted. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        element_id = self.element_id

        element_name = self.element_name

        element_description = self.element_description

        reference_type: str | Unset = UNSET
        if not isinstance(self.reference_type, Unset):
            reference_type = self.reference_type.value

        element_image_list: dict[str, Any] | Unset = UNSET
        if not isinstance(self.element_image_list, Unset):
            element_image_list = self.element_image_list.to_dict()

        element_video_list: dict[str, Any] | Unset = UNSET
        if not isinstance(self.element_video_list, Unset):
            element_video_list = self.element_video_list.to_dict()

        element_voice_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.element_voice_info, Unset):
            element_voice_info = self.element_voice_info.to_dict()

        tag_list: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tag_list, Unset):
            tag_list = []
            for tag_list_item_data in self.tag_list:
                tag_list_item = tag_list_item_data.to_dict()
                tag_list.append(tag_list_item)

        owned_by: int | str | Unset
        if isinstance(self.owned_by, Unset):
            owned_by = UNSET
        else:
            owned_by = self.owned_by

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if element_id is not UNSET:
            field_dict["element_id"] = element_id
        if element_name is not UNSET:
            field_dict["element_name"] = element_name
        if element_description is not UNSET:
            field_dict["element_description"] = element_description
        if reference_type is not UNSET:
            field_dict["reference_type"] = reference_type
        if element_image_list is not UNSET:
            field_dict["element_image_list"] = element_image_list
        if element_video_list is not UNSET:
            field_dict["element_video_list"] = element_video_list
        if element_voice_info is not UNSET:
            field_dict["element_voice_info"] = element_voice_info
        if tag_list is not UNSET:
            field_dict["tag_list"] = tag_list
        if owned_by is not UNSET:
            field_dict["owned_by"] = owned_by
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.element_element_image_list import ElementElementImageList
        from ..models.element_element_video_list import ElementElementVideoList
        from ..models.element_tag import ElementTag
        from ..models.element_voice_info import ElementVoiceInfo

        d = dict(expect_object(src_dict))
        _element_id = d.pop("element_id", UNSET)
        element_id = _element_id if isinstance(_element_id, Unset) else expect_int(_element_id, "element_id")

        _element_name = d.pop("element_name", UNSET)
        element_name = _element_name if isinstance(_element_name, Unset) else expect_str(_element_name, "element_name")

        _element_description = d.pop("element_description", UNSET)
        element_description = (
            _element_description
            if isinstance(_element_description, Unset)
            else expect_str(_element_description, "element_description")
        )

        try:
            _reference_type = d.pop("reference_type", UNSET)
            reference_type: ElementReferenceType | Unset
            if isinstance(_reference_type, Unset):
                reference_type = UNSET
            else:
                reference_type = ElementReferenceType(_reference_type)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("reference_type", error) from None

        try:
            _element_image_list = d.pop("element_image_list", UNSET)
            element_image_list: ElementElementImageList | Unset
            if isinstance(_element_image_list, Unset):
                element_image_list = UNSET
            else:
                element_image_list = ElementElementImageList.from_dict(_element_image_list)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("element_image_list", error) from None

        try:
            _element_video_list = d.pop("element_video_list", UNSET)
            element_video_list: ElementElementVideoList | Unset
            if isinstance(_element_video_list, Unset):
                element_video_list = UNSET
            else:
                element_video_list = ElementElementVideoList.from_dict(_element_video_list)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("element_video_list", error) from None

        try:
            _element_voice_info = d.pop("element_voice_info", UNSET)
            element_voice_info: ElementVoiceInfo | Unset
            if isinstance(_element_voice_info, Unset):
                element_voice_info = UNSET
            else:
                element_voice_info = ElementVoiceInfo.from_dict(_element_voice_info)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("element_voice_info", error) from None

        try:
            _checked_tag_list = d.pop("tag_list", UNSET)
            if not isinstance(_checked_tag_list, (list, Unset)):
                raise ParseError("", "expected an array")
            _tag_list = _checked_tag_list
            tag_list: list[ElementTag] | Unset = UNSET
            if _tag_list is not UNSET:
                tag_list = []
                for tag_list_item_data in _tag_list:
                    tag_list_item = ElementTag.from_dict(tag_list_item_data)

                    tag_list.append(tag_list_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("tag_list", error) from None

        try:

            def _parse_owned_by(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            owned_by = _parse_owned_by(d.pop("owned_by", UNSET))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("owned_by", error) from None

        try:
            _status = d.pop("status", UNSET)
            status: ElementStatus | Unset
            if isinstance(_status, Unset):
                status = UNSET
            else:
                status = ElementStatus(_status)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("status", error) from None

        element = cls(
            element_id=element_id,
            element_name=element_name,
            element_description=element_description,
            reference_type=reference_type,
            element_image_list=element_image_list,
            element_video_list=element_video_list,
            element_voice_info=element_voice_info,
            tag_list=tag_list,
            owned_by=owned_by,
            status=status,
        )

        element.additional_properties = d
        return element

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
