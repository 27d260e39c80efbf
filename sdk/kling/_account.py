"""``client.account``: what the account holds and spent (``/account/costs`` and the billing ledgers).

- ``costs(start_time, end_time, resource_pack_name=None)``: the resource packs active in the window (total and
  remaining units); the publisher asks for at most 1 request a second (``x-kling-rate-limit``), which the client
  keeps: a call waits for its turn, shared with every copy of the client and across threads;
- ``balance_deductions(...)`` and ``package_deductions(...)``: one page of the ledger of deductions from the cash
  balance or the resource packs, with ``limit``, ``filters`` and ``cursor`` (``next_cursor`` of the page before).

Times are milliseconds since the epoch, or timezone-aware ``datetime`` objects (converted). Every argument is
checked against the spec before anything is sent (``start_time`` before ``end_time``, the ledgers' limits).
These requests change nothing: they are retried after a transient failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx
import kling_spec
from kling_api.types import UNSET, Unset

from . import _answers
from ._arguments import call_options
from ._core import CallOptions, ClientCore
from ._drivers import run, run_async
from ._effects import Flow
from ._errors import ValidationError
from ._flows import query
from ._requests import field_of
from ._resources import _TRACE

if TYPE_CHECKING:
    from kling_api.models import AccountCosts, BalanceDeductionPage, PackageDeductionPage

COSTS_PATH = "/account/costs"
BALANCE_PATH = "/account/billing/balance"
PACKAGE_PATH = "/account/billing/package"

Instant = int | dt.datetime


def _milliseconds(name: str, value: object) -> int:
    """A time as the API takes it: milliseconds since the epoch (a datetime must say its timezone)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValidationError(name, "a datetime must be timezone-aware (e.g. datetime.now(timezone.utc))")
        return int(value.timestamp() * 1000)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValidationError(name, f"must be milliseconds since the epoch or a datetime, got {type(value).__name__}")


class _AccountFlows:
    """The flows of the account's verbs, shared by the sync and async resources."""

    def __init__(self, core: ClientCore) -> None:
        self._core = core

    def _options(self, timeout: Any, headers: Any, query: Any) -> CallOptions:
        return self._core.options(call_options(timeout, headers, query))

    def _costs(
        self, start_time: object, end_time: object, resource_pack_name: object, options: CallOptions
    ) -> Flow[AccountCosts]:
        from kling_api.api.account import get_account_costs
        from kling_api.models import AccountCosts, AccountCostsResponse

        start, end = _milliseconds("start_time", start_time), _milliseconds("end_time", end_time)
        params: dict[str, Any] = {"start_time": start, "end_time": end}
        if resource_pack_name is not None:
            if not isinstance(resource_pack_name, str):
                raise ValidationError(
                    "resource_pack_name", f"must be a string, got {type(resource_pack_name).__name__}"
                )
            params["resource_pack_name"] = resource_pack_name
        try:
            kling_spec.load_spec().validate_request(
                "GET", COSTS_PATH, query={name: str(value) for name, value in params.items()}
            )
        except kling_spec.RequestValidationError as error:
            raise ValidationError(field_of(error), error.rule) from None
        if start >= end:
            raise ValidationError("start_time", "must be before end_time")
        parse = _answers.data_parser(AccountCostsResponse, AccountCosts)
        qps = kling_spec.qps_limit("getAccountCosts")
        return query(
            self._core,
            "costs",
            get_account_costs,
            COSTS_PATH,
            params,
            parse,
            options,
            _TRACE.get(),
            requests_per_second=qps,
        )

    def _ledger(self, operation: str, fields: Mapping[str, Any], options: CallOptions) -> Flow[Any]:
        from kling_api import models
        from kling_api.api.account import list_balance_deductions, list_package_deductions

        body: dict[str, Any] = {}
        for name, value in fields.items():
            if value is None:
                continue
            body[name] = _milliseconds(name, value) if name in ("start_time", "end_time") else value
        if isinstance(body.get("filters"), Sequence) and not isinstance(body["filters"], str):
            body["filters"] = [f.to_dict() if hasattr(f, "to_dict") else f for f in body["filters"]]
        try:
            kling_spec.validate_request_body(body, operation)
        except kling_spec.RequestValidationError as error:
            raise ValidationError(field_of(error), error.rule) from None
        api: Any
        request: Any
        envelope: Any
        page: Any
        if operation == "listBalanceDeductions":
            api, path = list_balance_deductions, BALANCE_PATH
            request, envelope, page = (
                models.BalanceDeductionsRequest,
                models.BalanceDeductionsResponse,
                models.BalanceDeductionPage,
            )
        else:
            api, path = list_package_deductions, PACKAGE_PATH
            request, envelope, page = (
                models.PackageDeductionsRequest,
                models.PackageDeductionsResponse,
                models.PackageDeductionPage,
            )
        parse = _answers.data_parser(envelope, page)
        kwargs = {"body": request.from_dict(body)}
        return query(
            self._core, "ledger", api, path, kwargs, parse, options, _TRACE.get(), method="POST", with_body=True
        )


class Account(_AccountFlows):
    """The account: ``client.account`` (see the module docstring)."""

    def costs(
        self,
        start_time: Instant,
        end_time: Instant,
        resource_pack_name: str | None = None,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> AccountCosts:
        """The resource packs of the account in the window (``resource_pack_name``: only those of that name)."""
        options = self._options(timeout, extra_headers, extra_query)
        return run(self._costs(start_time, end_time, resource_pack_name, options), self._core)

    def balance_deductions(
        self,
        *,
        start_time: Instant | None = None,
        end_time: Instant | None = None,
        limit: int | None = None,
        filters: Sequence[Any] | None = None,
        cursor: str | None = None,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> BalanceDeductionPage:
        """One page of the deductions from the cash balance (``cursor``: the previous page's ``next_cursor``)."""
        fields = {"start_time": start_time, "end_time": end_time, "limit": limit, "filters": filters, "cursor": cursor}
        options = self._options(timeout, extra_headers, extra_query)
        page: BalanceDeductionPage = run(self._ledger("listBalanceDeductions", fields, options), self._core)
        return page

    def package_deductions(
        self,
        *,
        start_time: Instant | None = None,
        end_time: Instant | None = None,
        limit: int | None = None,
        filters: Sequence[Any] | None = None,
        cursor: str | None = None,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> PackageDeductionPage:
        """One page of the deductions from the resource packs (``cursor``: the previous page's ``next_cursor``)."""
        fields = {"start_time": start_time, "end_time": end_time, "limit": limit, "filters": filters, "cursor": cursor}
        options = self._options(timeout, extra_headers, extra_query)
        page: PackageDeductionPage = run(self._ledger("listPackageDeductions", fields, options), self._core)
        return page


class AsyncAccount(_AccountFlows):
    """``client.account`` of an AsyncKling (the same methods as :class:`Account`)."""

    async def costs(
        self,
        start_time: Instant,
        end_time: Instant,
        resource_pack_name: str | None = None,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> AccountCosts:
        """The resource packs of the account in the window: see :meth:`Account.costs`."""
        options = self._options(timeout, extra_headers, extra_query)
        return await run_async(self._costs(start_time, end_time, resource_pack_name, options), self._core)

    async def balance_deductions(
        self,
        *,
        start_time: Instant | None = None,
        end_time: Instant | None = None,
        limit: int | None = None,
        filters: Sequence[Any] | None = None,
        cursor: str | None = None,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> BalanceDeductionPage:
        """One page of the deductions from the cash balance: see :meth:`Account.balance_deductions`."""
        fields = {"start_time": start_time, "end_time": end_time, "limit": limit, "filters": filters, "cursor": cursor}
        options = self._options(timeout, extra_headers, extra_query)
        page: BalanceDeductionPage = await run_async(self._ledger("listBalanceDeductions", fields, options), self._core)
        return page

    async def package_deductions(
        self,
        *,
        start_time: Instant | None = None,
        end_time: Instant | None = None,
        limit: int | None = None,
        filters: Sequence[Any] | None = None,
        cursor: str | None = None,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> PackageDeductionPage:
        """One page of the deductions from the resource packs: see :meth:`Account.package_deductions`."""
        fields = {"start_time": start_time, "end_time": end_time, "limit": limit, "filters": filters, "cursor": cursor}
        options = self._options(timeout, extra_headers, extra_query)
        page: PackageDeductionPage = await run_async(self._ledger("listPackageDeductions", fields, options), self._core)
        return page
