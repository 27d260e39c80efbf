from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="CreateMultiShotTaskRequest")


@_attrs_define
class CreateMultiShotTaskRequest:
    """The AI Multi-Shot task to create, from an element's frontal image."""

    element_frontal_image: str
    """ The element seen from the front: an image URL (publicly accessible) or the
    Base64 encoding of the file. Formats .jpg, .jpeg, .png; at most 10 MB; width
    and height at least 300 px; aspect ratio between 1:2.5 and 2.5:1. The page
    does not repeat the "no `data:` prefix" rule; send bare Base64 all the same.
     """
    callback_url: str | Unset = UNSET
    """ Address the server notifies (POST, the task as `getMultiShotTask` answers
    it) whenever the task status changes.
     """
    external_task_id: str | Unset = UNSET
    """ The caller's own task id, unique per account. """

    def to_dict(self) -> dict[str, Any]:
        element_frontal_image = self.element_frontal_image

        callback_url = self.callback_url

        external_task_id = self.external_task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "element_frontal_image": element_frontal_image,
            }
        )
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if external_task_id is not UNSET:
            field_dict["external_task_id"] = external_task_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        if "element_frontal_image" not in d:
            raise ParseError("element_frontal_image", "missing required field")
        element_frontal_image = expect_str(d.pop("element_frontal_image"), "element_frontal_image")

        _callback_url = d.pop("callback_url", UNSET)
        callback_url = _callback_url if isinstance(_callback_url, Unset) else expect_str(_callback_url, "callback_url")

        _external_task_id = d.pop("external_task_id", UNSET)
        external_task_id = (
            _external_task_id
            if isinstance(_external_task_id, Unset)
            else expect_str(_external_task_id, "external_task_id")
        )

        create_multi_shot_task_request = cls(
            element_frontal_image=element_frontal_image,
            callback_url=callback_url,
            external_task_id=external_task_id,
        )

        return create_multi_shot_task_request
