from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balance_deductions_request import BalanceDeductionsRequest
from ...models.balance_deductions_response import BalanceDeductionsResponse
from ...models.error_response import ErrorResponse
from ...types import RequestOptions, Response, apply_request_options, http_status


def _get_kwargs(
    *,
    body: BalanceDeductionsRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/account/billing/balance",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BalanceDeductionsResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BalanceDeductionsResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = ErrorResponse.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content, response.headers)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BalanceDeductionsResponse | ErrorResponse]:
    try:
        parsed = _parse_response(client=client, response=response)
    except errors.UnexpectedStatus:
        raise
    # Not JSON (an HTML page, an empty or truncated body), nested too deep, or not the documented shape.
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        raise errors.MalformedResponse(
            response.status_code, response.content, str(error) or type(error).__name__, response.headers
        ) from None
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BalanceDeductionsRequest,
    request_options: RequestOptions | None = None,
) -> Response[BalanceDeductionsResponse | ErrorResponse]:
    """List the balance (cash) deductions, task by task

     The ledger of what tasks took from the account's cash balance, by task
    creation time, 500 entries at most per answer; the next page is asked for
    with the answer's `next_cursor` as `cursor`.

    Args:
        body (BalanceDeductionsRequest): Which entries of the balance ledger to list: by task
            creation time
            (`start_time`, `end_time`) and `filters`, at most `limit` of them, or the next
            page of an earlier answer by its `cursor` alone (which then overrides the
            rest). Filters of the same key are a union, of different keys an
            intersection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceDeductionsResponse | ErrorResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            body=body,
        ),
        request_options,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: BalanceDeductionsRequest,
    request_options: RequestOptions | None = None,
) -> BalanceDeductionsResponse | ErrorResponse | None:
    """List the balance (cash) deductions, task by task

     The ledger of what tasks took from the account's cash balance, by task
    creation time, 500 entries at most per answer; the next page is asked for
    with the answer's `next_cursor` as `cursor`.

    Args:
        body (BalanceDeductionsRequest): Which entries of the balance ledger to list: by task
            creation time
            (`start_time`, `end_time`) and `filters`, at most `limit` of them, or the next
            page of an earlier answer by its `cursor` alone (which then overrides the
            rest). Filters of the same key are a union, of different keys an
            intersection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceDeductionsResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        request_options=request_options,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BalanceDeductionsRequest,
    request_options: RequestOptions | None = None,
) -> Response[BalanceDeductionsResponse | ErrorResponse]:
    """List the balance (cash) deductions, task by task

     The ledger of what tasks took from the account's cash balance, by task
    creation time, 500 entries at most per answer; the next page is asked for
    with the answer's `next_cursor` as `cursor`.

    Args:
        body (BalanceDeductionsRequest): Which entries of the balance ledger to list: by task
            creation time
            (`start_time`, `end_time`) and `filters`, at most `limit` of them, or the next
            page of an earlier answer by its `cursor` alone (which then overrides the
            rest). Filters of the same key are a union, of different keys an
            intersection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceDeductionsResponse | ErrorResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            body=body,
        ),
        request_options,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BalanceDeductionsRequest,
    request_options: RequestOptions | None = None,
) -> BalanceDeductionsResponse | ErrorResponse | None:
    """List the balance (cash) deductions, task by task

     The ledger of what tasks took from the account's cash balance, by task
    creation time, 500 entries at most per answer; the next page is asked for
    with the answer's `next_cursor` as `cursor`.

    Args:
        body (BalanceDeductionsRequest): Which entries of the balance ledger to list: by task
            creation time
            (`start_time`, `end_time`) and `filters`, at most `limit` of them, or the next
            page of an earlier answer by its `cursor` alone (which then overrides the
            rest). Filters of the same key are a union, of different keys an
            intersection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceDeductionsResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            request_options=request_options,
        )
    ).parsed
