from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.element_reference_type import ElementReferenceType
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.element_image_list import ElementImageList
    from ..models.element_tag import ElementTag
    from ..models.element_video_list import ElementVideoList


T = TypeVar("T", bound="CreateElementTaskRequest")


@_attrs_define
class CreateElementTaskRequest:
    """The element to create. `reference_type` says what defines it:
    `element_image_list` for `image_refer`, `element_video_list` for
    `video_refer` (each required with its type: the rules below).

    """

    element_name: str
    """ The element's name, at most 20 characters. """
    element_description: str
    """ The element's description, at most 100 characters. """
    reference_type: ElementReferenceType
    """ How an element's looks are defined: `image_refer`, a multi-image element (by
    `element_image_list`); `video_refer`, a video character element (by
    `element_video_list`).
     """
    element_image_list: ElementImageList | Unset = UNSET
    """ The images that define a multi-image element, one frontal image and one to three more. """
    element_video_list: ElementVideoList | Unset = UNSET
    """ The video that defines a video character element: at most one. Video elements
    serve `kling-video-o3` and later video models only, not the image endpoints.
     """
    element_voice_id: str | Unset = UNSET
    """ A voice of the voice library to bind to the element; empty or left out,
    none. Of multi-image elements, only character (humanoid) ones take a voice.
     """
    tag_list: list[ElementTag] | Unset = UNSET
    """ Tags of the element, any number. """
    callback_url: str | Unset = UNSET
    """ Address the server notifies (POST, the task as `getElementTask` answers it)
    whenever the task status changes.
     """
    external_task_id: str | Unset = UNSET
    """ The caller's own task id, unique per account. The single-task query
    accepts it in place of `task_id`.
     """

    def to_dict(self) -> dict[str, Any]:
        element_name = self.element_name

        element_description = self.element_description

        reference_type = self.reference_type.value

        element_image_list: dict[str, Any] | Unset = UNSET
        if not isinstance(self.element_image_list, Unset):
            element_image_list = self.element_image_list.to_dict()

        element_video_list: dict[str, Any] | Unset = UNSET
        if not isinstance(self.element_video_list, Unset):
            element_video_list = self.element_video_list.to_dict()

        element_voice_id = self.element_voice_id

        tag_list: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tag_list, Unset):
            tag_list = []
            for tag_list_item_data in self.tag_list:
                tag_list_item = tag_list_item_data.to_dict()
                tag_list.append(tag_list_item)

        callback_url = self.callback_url

        external_task_id = self.external_task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "element_name": element_name,
                "element_description": element_description,
                "reference_type": reference_type,
            }
        )
        if element_image_list is not UNSET:
            field_dict["element_image_list"] = element_image_list
        if element_video_list is not UNSET:
            field_dict["element_video_list"] = element_video_list
        if element_voice_id is not UNSET:
            field_dict["element_voice_id"] = element_voice_id
        if tag_list is not UNSET:
            field_dict["tag_list"] = tag_list
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if external_task_id is not UNSET:
            field_dict["external_task_id"] = external_task_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.element_image_list import ElementImageList
        from ..models.element_tag import ElementTag
        from ..models.element_video_list import ElementVideoList

        d = dict(expect_object(src_dict))
        if "element_name" not in d:
            raise ParseError("element_name", "missing required field")
        element_name = expect_str(d.pop("element_name"), "element_name")

        if "element_description" not in d:
            raise ParseError("element_description", "missing required field")
        element_description = expect_str(d.pop("element_description"), "element_description")

        if "reference_type" not in d:
            raise ParseError("reference_type", "missing required field")
        try:
            reference_type = ElementReferenceType(d.pop("reference_type"))

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("reference_type", error) from None

        try:
            _element_image_list = d.pop("element_image_list", UNSET)
            element_image_list: ElementImageList | Unset
            if isinstance(_element_image_list, Unset):
                element_image_list = UNSET
            else:
                element_image_list = ElementImageList.from_dict(_element_image_list)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("element_image_list", error) from None

        try:
            _element_video_list = d.pop("element_video_list", UNSET)
            element_video_list: ElementVideoList | Unset
            if isinstance(_element_video_list, Unset):
                element_video_list = UNSET
            else:
                element_video_list = ElementVideoList.from_dict(_element_video_list)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("element_video_list", error) from None

        _element_voice_id = d.pop("element_voice_id", UNSET)
        element_voice_id = (
            _element_voice_id
            if isinstance(_element_voice_id, Unset)
            else expect_str(_element_voice_id, "element_voice_id")
        )

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

        _callback_url = d.pop("callback_url", UNSET)
        callback_url = _callback_url if isinstance(_callback_url, Unset) else expect_str(_callback_url, "callback_url")

        _external_task_id = d.pop("external_task_id", UNSET)
        external_task_id = (
            _external_task_id
            if isinstance(_external_task_id, Unset)
            else expect_str(_external_task_id, "external_task_id")
        )

        create_element_task_request = cls(
            element_name=element_name,
            element_description=element_description,
            reference_type=reference_type,
            element_image_list=element_image_list,
            element_video_list=element_video_list,
            element_voice_id=element_voice_id,
            tag_list=tag_list,
            callback_url=callback_url,
            external_task_id=external_task_id,
        )

        return create_element_task_request
