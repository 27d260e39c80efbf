from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.multi_shot_task_response import MultiShotTaskResponse
from ...types import RequestOptions, Response, apply_request_options, encode_path_parameter, http_status


def _get_kwargs(
    task_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/general/ai-multi-shot/{task_id}".format(
            task_id=encode_path_parameter("task_id", task_id),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | MultiShotTaskResponse | None:
    if response.status_code == 200:
        response_200 = MultiShotTaskResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | MultiShotTaskResponse]:
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
    task_id: str,
    *,
    client: AuthenticatedClient,
    request_options: RequestOptions | None = None,
) -> Response[ErrorResponse | MultiShotTaskResponse]:
    """Query one AI Multi-Shot task

     Queries take no concurrency slot.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MultiShotTaskResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            task_id=task_id,
        ),
        request_options,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    task_id: str,
    *,
    client: AuthenticatedClient,
    request_options: RequestOptions | None = None,
) -> ErrorResponse | MultiShotTaskResponse | None:
    """Query one AI Multi-Shot task

     Queries take no concurrency slot.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MultiShotTaskResponse
    """

    return sync_detailed(
        task_id=task_id,
        client=client,
        request_options=request_options,
    ).parsed


async def asyncio_detailed(
    task_id: str,
    *,
    client: AuthenticatedClient,
    request_options: RequestOptions | None = None,
) -> Response[ErrorResponse | MultiShotTaskResponse]:
    """Query one AI Multi-Shot task

     Queries take no concurrency slot.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MultiShotTaskResponse]
    """

    kwargs = apply_request_options(
        _get_kwargs(
            task_id=task_id,
        ),
        request_options,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    task_id: str,
    *,
    client: AuthenticatedClient,
    request_options: RequestOptions | None = None,
) -> ErrorResponse | MultiShotTaskResponse | None:
    """Query one AI Multi-Shot task

     Queries take no concurrency slot.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MultiShotTaskResponse
    """

    return (
        await asyncio_detailed(
            task_id=task_id,
            client=client,
            request_options=request_options,
        )
    ).parsed
