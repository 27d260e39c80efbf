from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_element_task_request import CreateElementTaskRequest
from ...models.create_image_task_response import CreateImageTaskResponse
from ...models.error_response import ErrorResponse
from ...types import RequestOptions, Response, apply_request_options, http_status


def _get_kwargs(
    *,
    body: CreateElementTaskRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/general/advanced-custom-elements",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreateImageTaskResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = CreateImageTaskResponse.from_dict(response.json())

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
) -> Response[CreateImageTaskResponse | ErrorResponse]:
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
    body: CreateElementTaskRequest,
    request_options: RequestOptions | None = None,
) -> Response[CreateImageTaskResponse | ErrorResponse]:
    """Create an element (an asynchronous task)

     Adds an element to the account's element library (the library of the
    element service rebuilt on 02/25/2026; the old element API's library is
    separate and cannot be queried from here [official: UPD]). A multi-image
    element (`image_refer`) is defined by a frontal image and one to three more;
    a video character element (`video_refer`) by one video. Creation is a task:
    answers at once with the `task_id` and status `submitted`; poll
    `getElementTask` (or receive callbacks); the finished task's
    `task_result.elements` holds the element and its `element_id`, which
    `element_list` of the image endpoints takes.

    Args:
        body (CreateElementTaskRequest): The element to create. `reference_type` says what defines
            it:
            `element_image_list` for `image_refer`, `element_video_list` for
            `video_refer` (each required with its type: the rules below).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateImageTaskResponse | ErrorResponse]
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
    body: CreateElementTaskRequest,
    request_options: RequestOptions | None = None,
) -> CreateImageTaskResponse | ErrorResponse | None:
    """Create an element (an asynchronous task)

     Adds an element to the account's element library (the library of the
    element service rebuilt on 02/25/2026; the old element API's library is
    separate and cannot be queried from here [official: UPD]). A multi-image
    element (`image_refer`) is defined by a frontal image and one to three more;
    a video character element (`video_refer`) by one video. Creation is a task:
    answers at once with the `task_id` and status `submitted`; poll
    `getElementTask` (or receive callbacks); the finished task's
    `task_result.elements` holds the element and its `element_id`, which
    `element_list` of the image endpoints takes.

    Args:
        body (CreateElementTaskRequest): The element to create. `reference_type` says what defines
            it:
            `element_image_list` for `image_refer`, `element_video_list` for
            `video_refer` (each required with its type: the rules below).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateImageTaskResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        request_options=request_options,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateElementTaskRequest,
    request_options: RequestOptions | None = None,
) -> Response[CreateImageTaskResponse | ErrorResponse]:
    """Create an element (an asynchronous task)

     Adds an element to the account's element library (the library of the
    element service rebuilt on 02/25/2026; the old element API's library is
    separate and cannot be queried from here [official: UPD]). A multi-image
    element (`image_refer`) is defined by a frontal image and one to three more;
    a video character element (`video_refer`) by one video. Creation is a task:
    answers at once with the `task_id` and status `submitted`; poll
    `getElementTask` (or receive callbacks); the finished task's
    `task_result.elements` holds the element and its `element_id`, which
    `element_list` of the image endpoints takes.

    Args:
        body (CreateElementTaskRequest): The element to create. `reference_type` says what defines
            it:
            `element_image_list` for `image_refer`, `element_video_list` for
            `video_refer` (each required with its type: the rules below).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateImageTaskResponse | ErrorResponse]
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
    body: CreateElementTaskRequest,
    request_options: RequestOptions | None = None,
) -> CreateImageTaskResponse | ErrorResponse | None:
    """Create an element (an asynchronous task)

     Adds an element to the account's element library (the library of the
    element service rebuilt on 02/25/2026; the old element API's library is
    separate and cannot be queried from here [official: UPD]). A multi-image
    element (`image_refer`) is defined by a frontal image and one to three more;
    a video character element (`video_refer`) by one video. Creation is a task:
    answers at once with the `task_id` and status `submitted`; poll
    `getElementTask` (or receive callbacks); the finished task's
    `task_result.elements` holds the element and its `element_id`, which
    `element_list` of the image endpoints takes.

    Args:
        body (CreateElementTaskRequest): The element to create. `reference_type` says what defines
            it:
            `element_image_list` for `image_refer`, `element_video_list` for
            `video_refer` (each required with its type: the rules below).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateImageTaskResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            request_options=request_options,
        )
    ).parsed
