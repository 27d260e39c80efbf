from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.preset_element_task_list_response import PresetElementTaskListResponse
from ...types import UNSET, RequestOptions, Response, Unset, apply_request_options, http_status


def _get_kwargs(
    *,
    page_num: int | Unset = 1,
    page_size: int | Unset = 30,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["pageNum"] = page_num

    params["pageSize"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/general/advanced-presets-elements",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PresetElementTaskListResponse | None:
    if response.status_code == 200:
        response_200 = PresetElementTaskListResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | PresetElementTaskListResponse]:
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
    page_num: int | Unset = 1,
    page_size: int | Unset = 30,
    request_options: RequestOptions | None = None,
) -> Response[ErrorResponse | PresetElementTaskListResponse]:
    """List the preset (official) elements

     Pages through the official element library, as element tasks without the
    deduction fields; `owned_by` is `kling`. The order of a page is not
    documented.

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PresetElementTaskListResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            page_num=page_num,
            page_size=page_size,
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
    page_num: int | Unset = 1,
    page_size: int | Unset = 30,
    request_options: RequestOptions | None = None,
) -> ErrorResponse | PresetElementTaskListResponse | None:
    """List the preset (official) elements

     Pages through the official element library, as element tasks without the
    deduction fields; `owned_by` is `kling`. The order of a page is not
    documented.

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PresetElementTaskListResponse
    """

    return sync_detailed(
        client=client,
        page_num=page_num,
        page_size=page_size,
        request_options=request_options,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page_num: int | Unset = 1,
    page_size: int | Unset = 30,
    request_options: RequestOptions | None = None,
) -> Response[ErrorResponse | PresetElementTaskListResponse]:
    """List the preset (official) elements

     Pages through the official element library, as element tasks without the
    deduction fields; `owned_by` is `kling`. The order of a page is not
    documented.

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PresetElementTaskListResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            page_num=page_num,
            page_size=page_size,
        ),
        request_options,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page_num: int | Unset = 1,
    page_size: int | Unset = 30,
    request_options: RequestOptions | None = None,
) -> ErrorResponse | PresetElementTaskListResponse | None:
    """List the preset (official) elements

     Pages through the official element library, as element tasks without the
    deduction fields; `owned_by` is `kling`. The order of a page is not
    documented.

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PresetElementTaskListResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            page_num=page_num,
            page_size=page_size,
            request_options=request_options,
        )
    ).parsed
