from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_costs_response import AccountCostsResponse
from ...models.error_response import ErrorResponse
from ...types import UNSET, RequestOptions, Response, Unset, apply_request_options, http_status


def _get_kwargs(
    *,
    start_time: int,
    end_time: int,
    resource_pack_name: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["resource_pack_name"] = resource_pack_name

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/account/costs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccountCostsResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AccountCostsResponse.from_dict(response.json())

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
) -> Response[AccountCostsResponse | ErrorResponse]:
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
    start_time: int,
    end_time: int,
    resource_pack_name: str | Unset = UNSET,
    request_options: RequestOptions | None = None,
) -> Response[AccountCostsResponse | ErrorResponse]:
    """List the account's resource packs and what remains of them

     The resource packs whose window overlaps the given times, each with its total
    and remaining units. Free to call; the publisher asks for at most 1 request
    per second (`x-kling-rate-limit`). `remaining_quantity` can lag by up to 12
    hours; the answer does not say which packs are image packs (only their names
    do).

    Args:
        start_time (int):
        end_time (int):
        resource_pack_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountCostsResponse | ErrorResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            start_time=start_time,
            end_time=end_time,
            resource_pack_name=resource_pack_name,
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
    start_time: int,
    end_time: int,
    resource_pack_name: str | Unset = UNSET,
    request_options: RequestOptions | None = None,
) -> AccountCostsResponse | ErrorResponse | None:
    """List the account's resource packs and what remains of them

     The resource packs whose window overlaps the given times, each with its total
    and remaining units. Free to call; the publisher asks for at most 1 request
    per second (`x-kling-rate-limit`). `remaining_quantity` can lag by up to 12
    hours; the answer does not say which packs are image packs (only their names
    do).

    Args:
        start_time (int):
        end_time (int):
        resource_pack_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountCostsResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        start_time=start_time,
        end_time=end_time,
        resource_pack_name=resource_pack_name,
        request_options=request_options,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    start_time: int,
    end_time: int,
    resource_pack_name: str | Unset = UNSET,
    request_options: RequestOptions | None = None,
) -> Response[AccountCostsResponse | ErrorResponse]:
    """List the account's resource packs and what remains of them

     The resource packs whose window overlaps the given times, each with its total
    and remaining units. Free to call; the publisher asks for at most 1 request
    per second (`x-kling-rate-limit`). `remaining_quantity` can lag by up to 12
    hours; the answer does not say which packs are image packs (only their names
    do).

    Args:
        start_time (int):
        end_time (int):
        resource_pack_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountCostsResponse | ErrorResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            start_time=start_time,
            end_time=end_time,
            resource_pack_name=resource_pack_name,
        ),
        request_options,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    start_time: int,
    end_time: int,
    resource_pack_name: str | Unset = UNSET,
    request_options: RequestOptions | None = None,
) -> AccountCostsResponse | ErrorResponse | None:
    """List the account's resource packs and what remains of them

     The resource packs whose window overlaps the given times, each with its total
    and remaining units. Free to call; the publisher asks for at most 1 request
    per second (`x-kling-rate-limit`). `remaining_quantity` can lag by up to 12
    hours; the answer does not say which packs are image packs (only their names
    do).

    Args:
        start_time (int):
        end_time (int):
        resource_pack_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountCostsResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            start_time=start_time,
            end_time=end_time,
            resource_pack_name=resource_pack_name,
            request_options=request_options,
        )
    ).parsed
