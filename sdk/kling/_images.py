"""The image task resources: ``client.images`` and the endpoints added in 2026, sync and async.

Each is the one task resource of ``_resources`` (``Tasks``/``AsyncTasks``) bound to its endpoint (``_endpoints``):

- ``client.images``: ``/v1/images/generations`` (text or image to image; ``Images``, ``AsyncImages``);
- ``client.omni_images``: ``/v1/images/omni-image`` (Image O1 and Image 3.0 Omni: 4K, series);
- ``client.multi_images``: ``/v1/images/multi-image2image`` (subjects, a scene and a style combined);
- ``client.outpainting``: ``/v1/images/editing/expand`` (an image extended on its four sides);
- ``client.multi_shots``: ``/v1/general/ai-multi-shot`` (three views of a subject from its frontal image).

Only the signatures differ, for type checkers: each resource's ``create``, ``generate`` and ``generate_many`` take
its create request's fields as typed keywords (``_types.CreateFields``, ``OmniFields``, ...: stubs under
``TYPE_CHECKING``, the methods being ``Tasks``'), or a ready request object (``CreateOmniImageTaskRequest``, ...);
at run time, everything is checked against the spec before anything is sent.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, Unpack

import httpx
from kling_api.models import (
    CreatedImageTask,
    CreateExpandImageTaskRequest,
    CreateImageTaskRequest,
    CreateMultiImageToImageTaskRequest,
    CreateMultiShotTaskRequest,
    CreateOmniImageTaskRequest,
    ImageTask,
    ImageTaskCallback,
    MultiShotTask,
    OmniImageTask,
)
from kling_api.types import Unset

from . import _arguments, _endpoints
from ._core import ClientCore
from ._resources import (
    AsyncTasks,
    AsyncTasksWithRawResponse,
    RawResponse,
    Tasks,
    TasksWithRawResponse,
    async_raw,
    raw,
)
from ._types import CreateFields, ItemsOf, MultiImageFields, MultiShotFields, OmniFields, OutpaintingFields

if TYPE_CHECKING:
    from . import _jobs
    from ._batch import BatchResult


class ImagesWithRawResponse(TasksWithRawResponse[ImageTask, CreateImageTaskRequest]):
    """``client.images.with_raw_response``: each method returns a :class:`RawResponse` around its result."""

    def __init__(self, images: Images) -> None:
        super().__init__(images)
        self.confirm_callback = raw(images.confirm_callback)


class AsyncImagesWithRawResponse(AsyncTasksWithRawResponse[ImageTask, CreateImageTaskRequest]):
    """``client.images.with_raw_response`` of an AsyncKling."""

    def __init__(self, images: AsyncImages) -> None:
        super().__init__(images)
        self.confirm_callback = async_raw(images.confirm_callback)


class Images(Tasks[ImageTask, CreateImageTaskRequest]):
    """Image-generation tasks (``/v1/images/generations``): ``client.images``. See :class:`Tasks` for the verbs."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.IMAGES)

    @cached_property
    def with_raw_response(self) -> ImagesWithRawResponse:
        """The same methods, returning a :class:`RawResponse` (status, headers, request id, time) around the result."""
        return ImagesWithRawResponse(self)

    def confirm_callback(self, callback: ImageTaskCallback) -> ImageTask:
        """The task a callback speaks of, as the API reports it now: an unsigned callback is a hint, so a careful
        receiver acts on the queried task, never on the callback's own claims."""
        return self.get(_arguments.callback_task_id(callback))

    if TYPE_CHECKING:  # the typed keywords of the create request; the methods are Tasks'

        def create(  # type: ignore[override]
            self,
            prompt: str | CreateImageTaskRequest,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[CreateFields],
        ) -> CreatedImageTask:
            """Submit a task; checked against the spec before anything is sent. Never creates it twice."""

        def generate(  # type: ignore[override]
            self,
            prompt: str | CreateImageTaskRequest,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ImageTask], None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[CreateFields],
        ) -> ImageTask:
            """Create a task, then wait for it: the succeeded task, with its image URLs."""

        def generate_many(  # type: ignore[override]
            self,
            items: _jobs.JobItems,
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ImageTask]], object] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[CreateFields],
        ) -> list[BatchResult[ImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class AsyncImages(AsyncTasks[ImageTask, CreateImageTaskRequest]):
    """Image-generation tasks: ``client.images`` of an AsyncKling (the same methods as :class:`Images`)."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.IMAGES)

    @cached_property
    def with_raw_response(self) -> AsyncImagesWithRawResponse:
        """The same methods, returning a :class:`RawResponse` (status, headers, request id, time) around the result."""
        return AsyncImagesWithRawResponse(self)

    async def confirm_callback(self, callback: ImageTaskCallback) -> ImageTask:
        """The task a callback speaks of, as the API reports it now (see :meth:`Images.confirm_callback`)."""
        return await self.get(_arguments.callback_task_id(callback))

    if TYPE_CHECKING:

        async def create(  # type: ignore[override]
            self,
            prompt: str | CreateImageTaskRequest,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,  # noqa: ASYNC109 - an HTTP timeout
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[CreateFields],
        ) -> CreatedImageTask:
            """Submit a task: see :meth:`Images.create`."""

        async def generate(  # type: ignore[override]
            self,
            prompt: str | CreateImageTaskRequest,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ImageTask], Awaitable[None] | None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[CreateFields],
        ) -> ImageTask:
            """Create a task, then wait for it: see :meth:`Images.generate`."""

        async def generate_many(  # type: ignore[override]
            self,
            items: _jobs.JobItems,
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ImageTask]], object] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[CreateFields],
        ) -> list[BatchResult[ImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


# -- the endpoints added in 2026 -----------------------------------------------------------------------------------


class OmniImages(Tasks[OmniImageTask, CreateOmniImageTaskRequest]):
    """Omni-image tasks (``/v1/images/omni-image``: Image O1, Image 3.0 Omni; 4K; series): ``client.omni_images``.

    ``client.omni_images.generate("a red fox, <<<image_1>>> style", image_list=[{"image": "fox.png"}])``; a
    series: ``result_type="series", series_amount=4`` (its images in ``task_result.series_images``)."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.omni_image())

    if TYPE_CHECKING:  # the typed keywords of the create request; the methods are Tasks'

        def create(  # type: ignore[override]
            self,
            first: str | CreateOmniImageTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[OmniFields],
        ) -> CreatedImageTask:
            """Submit an omni-image task: see :meth:`Tasks.create`."""

        def generate(  # type: ignore[override]
            self,
            first: str | CreateOmniImageTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[OmniImageTask], None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[OmniFields],
        ) -> OmniImageTask:
            """Create an omni-image task, then wait for it: see :meth:`Tasks.generate`."""

        def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | CreateOmniImageTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[OmniImageTask]], object] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[OmniFields],
        ) -> list[BatchResult[OmniImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class AsyncOmniImages(AsyncTasks[OmniImageTask, CreateOmniImageTaskRequest]):
    """``client.omni_images`` of an AsyncKling."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.omni_image())

    if TYPE_CHECKING:

        async def create(  # type: ignore[override]
            self,
            first: str | CreateOmniImageTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,  # noqa: ASYNC109 - an HTTP timeout
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[OmniFields],
        ) -> CreatedImageTask:
            """Submit an omni-image task: see :meth:`Tasks.create`."""

        async def generate(  # type: ignore[override]
            self,
            first: str | CreateOmniImageTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[OmniImageTask], Awaitable[None] | None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[OmniFields],
        ) -> OmniImageTask:
            """Create an omni-image task, then wait for it: see :meth:`Tasks.generate`."""

        async def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | CreateOmniImageTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[OmniImageTask]], object] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[OmniFields],
        ) -> list[BatchResult[OmniImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class MultiImages(Tasks[ImageTask, CreateMultiImageToImageTaskRequest]):
    """Multi-image-to-image tasks (``/v1/images/multi-image2image``): ``client.multi_images``.

    ``client.multi_images.generate("the two of them at the beach", subject_image_list=[{"subject_image": "a.png"},
    {"subject_image": "b.png"}], scene_image="beach.jpg")``."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.multi_image())

    if TYPE_CHECKING:  # the typed keywords of the create request; the methods are Tasks'

        def create(  # type: ignore[override]
            self,
            first: str | CreateMultiImageToImageTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[MultiImageFields],
        ) -> CreatedImageTask:
            """Submit a multi-image task: see :meth:`Tasks.create`."""

        def generate(  # type: ignore[override]
            self,
            first: str | CreateMultiImageToImageTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ImageTask], None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[MultiImageFields],
        ) -> ImageTask:
            """Create a multi-image task, then wait for it: see :meth:`Tasks.generate`."""

        def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | CreateMultiImageToImageTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ImageTask]], object] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[MultiImageFields],
        ) -> list[BatchResult[ImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class AsyncMultiImages(AsyncTasks[ImageTask, CreateMultiImageToImageTaskRequest]):
    """``client.multi_images`` of an AsyncKling."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.multi_image())

    if TYPE_CHECKING:

        async def create(  # type: ignore[override]
            self,
            first: str | CreateMultiImageToImageTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,  # noqa: ASYNC109 - an HTTP timeout
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[MultiImageFields],
        ) -> CreatedImageTask:
            """Submit a multi-image task: see :meth:`Tasks.create`."""

        async def generate(  # type: ignore[override]
            self,
            first: str | CreateMultiImageToImageTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ImageTask], Awaitable[None] | None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[MultiImageFields],
        ) -> ImageTask:
            """Create a multi-image task, then wait for it: see :meth:`Tasks.generate`."""

        async def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | CreateMultiImageToImageTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ImageTask]], object] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[MultiImageFields],
        ) -> list[BatchResult[ImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class Outpainting(Tasks[ImageTask, CreateExpandImageTaskRequest]):
    """Outpainting tasks (``/v1/images/editing/expand``): ``client.outpainting``.

    ``client.outpainting.generate("photo.png", left_expansion_ratio=0.5, right_expansion_ratio=0.5,
    up_expansion_ratio=0, down_expansion_ratio=0)``: each ratio 0 to 2 of the side it extends, the result at most
    3 times the original's area (refused before sending otherwise)."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.expand())

    if TYPE_CHECKING:  # the typed keywords of the create request; the methods are Tasks'

        def create(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateExpandImageTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[OutpaintingFields],
        ) -> CreatedImageTask:
            """Submit an outpainting task: see :meth:`Tasks.create`."""

        def generate(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateExpandImageTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ImageTask], None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[OutpaintingFields],
        ) -> ImageTask:
            """Create an outpainting task, then wait for it: see :meth:`Tasks.generate`."""

        def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | os.PathLike[str] | CreateExpandImageTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ImageTask]], object] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[OutpaintingFields],
        ) -> list[BatchResult[ImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class AsyncOutpainting(AsyncTasks[ImageTask, CreateExpandImageTaskRequest]):
    """``client.outpainting`` of an AsyncKling."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.expand())

    if TYPE_CHECKING:

        async def create(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateExpandImageTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,  # noqa: ASYNC109 - an HTTP timeout
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[OutpaintingFields],
        ) -> CreatedImageTask:
            """Submit an outpainting task: see :meth:`Tasks.create`."""

        async def generate(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateExpandImageTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ImageTask], Awaitable[None] | None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[OutpaintingFields],
        ) -> ImageTask:
            """Create an outpainting task, then wait for it: see :meth:`Tasks.generate`."""

        async def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | os.PathLike[str] | CreateExpandImageTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ImageTask]], object] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[OutpaintingFields],
        ) -> list[BatchResult[ImageTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class MultiShots(Tasks[MultiShotTask, CreateMultiShotTaskRequest]):
    """AI multi-shot tasks (``/v1/general/ai-multi-shot``): ``client.multi_shots``.

    ``client.multi_shots.generate("front.png")``: three views of the subject (``url_1`` to ``url_3`` of each
    result set; ``download`` saves them as ``{task}-{set}-view-{1..3}``)."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.multi_shot())

    if TYPE_CHECKING:  # the typed keywords of the create request; the methods are Tasks'

        def create(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateMultiShotTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[MultiShotFields],
        ) -> CreatedImageTask:
            """Submit a multi-shot task: see :meth:`Tasks.create`."""

        def generate(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateMultiShotTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[MultiShotTask], None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[MultiShotFields],
        ) -> MultiShotTask:
            """Create a multi-shot task, then wait for it: see :meth:`Tasks.generate`."""

        def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | os.PathLike[str] | CreateMultiShotTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[MultiShotTask]], object] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[MultiShotFields],
        ) -> list[BatchResult[MultiShotTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


class AsyncMultiShots(AsyncTasks[MultiShotTask, CreateMultiShotTaskRequest]):
    """``client.multi_shots`` of an AsyncKling."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.multi_shot())

    if TYPE_CHECKING:

        async def create(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateMultiShotTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,  # noqa: ASYNC109 - an HTTP timeout
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[MultiShotFields],
        ) -> CreatedImageTask:
            """Submit a multi-shot task: see :meth:`Tasks.create`."""

        async def generate(  # type: ignore[override]
            self,
            first: str | os.PathLike[str] | CreateMultiShotTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[MultiShotTask], Awaitable[None] | None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[MultiShotFields],
        ) -> MultiShotTask:
            """Create a multi-shot task, then wait for it: see :meth:`Tasks.generate`."""

        async def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | os.PathLike[str] | CreateMultiShotTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[MultiShotTask]], object] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[MultiShotFields],
        ) -> list[BatchResult[MultiShotTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""


__all__ = [
    "AsyncImages",
    "AsyncImagesWithRawResponse",
    "AsyncMultiImages",
    "AsyncMultiShots",
    "AsyncOmniImages",
    "AsyncOutpainting",
    "Images",
    "ImagesWithRawResponse",
    "MultiImages",
    "MultiShots",
    "OmniImages",
    "Outpainting",
    "RawResponse",
]
