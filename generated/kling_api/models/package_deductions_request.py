from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_int,
    expect_object,
    expect_str,
)

if TYPE_CHECKING:
    from ..models.package_filter import PackageFilter


T = TypeVar("T", bound="PackageDeductionsRequest")


@_attrs_define
class PackageDeductionsRequest:
    """Which entries of the unit ledger to list, as `BalanceDeductionsRequest`, with
    more filter keys: `api_key_name`, `product_type`, `package_name` and
    `package_id` (not both of the last two).

    """

    start_time: int | Unset = UNSET
    """ Start of the window of task creation times, Unix milliseconds, before
    `end_time`. Required without a `cursor`, ignored with one.
     """
    end_time: int | Unset = UNSET
    """ End of the window, Unix milliseconds, after `start_time`. Required without
    a `cursor`, ignored with one.
     """
    limit: int | Unset = UNSET
    """ Entries per answer, at most 500. Ignored with a `cursor`.

    Server default when unset: 500. """
    filters: list[PackageFilter] | Unset = UNSET
    """ Filters on the entries. Ignored with a `cursor`. """
    cursor: str | Unset = UNSET
    """ The previous answer's `next_cursor`, for its next page; overrides every other field. """

    def to_dict(self) -> dict[str, Any]:
        start_time = self.start_time

        end_time = self.end_time

        limit = self.limit

        filters: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.filters, Unset):
            filters = []
            for filters_item_data in self.filters:
                filters_item = filters_item_data.to_dict()
                filters.append(filters_item)

        cursor = self.cursor

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if limit is not UNSET:
            field_dict["limit"] = limit
        if filters is not UNSET:
            field_dict["filters"] = filters
        if cursor is not UNSET:
            field_dict["cursor"] = cursor

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.package_filter import PackageFilter

        d = dict(expect_object(src_dict))
        _start_time = d.pop("start_time", UNSET)
        start_time = _start_time if isinstance(_start_time, Unset) else expect_int(_start_time, "start_time")

        _end_time = d.pop("end_time", UNSET)
        end_time = _end_time if isinstance(_end_time, Unset) else expect_int(_end_time, "end_time")

        _limit = d.pop("limit", UNSET)
        limit = _limit if isinstance(_limit, Unset) else expect_int(_limit, "limit")

        try:
            _checked_filters = d.pop("filters", UNSET)
            if not isinstance(_checked_filters, (list, Unset)):
                raise ParseError("", "expected an array")
            _filters = _checked_filters
            filters: list[PackageFilter] | Unset = UNSET
            if _filters is not UNSET:
                filters = []
                for filters_item_data in _filters:
                    filters_item = PackageFilter.from_dict(filters_item_data)

                    filters.append(filters_item)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("filters", error) from None

        _cursor = d.pop("cursor", UNSET)
        cursor = _cursor if isinstance(_cursor, Unset) else expect_str(_cursor, "cursor")

        package_deductions_request = cls(
            start_time=start_time,
            end_time=end_time,
            limit=limit,
            filters=filters,
            cursor=cursor,
        )

        return package_deductions_request
