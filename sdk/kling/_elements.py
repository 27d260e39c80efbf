"""``client.elements``: the account's elements (``/v1/general/advanced-custom-elements``) and the presets.

An element is a subject (a character, an object) the models keep consistent across images: made once from
reference images, then named in a create's ``element_list`` by its ``element_id``. Making one is a task like any
other, so ``Elements`` is the task resource (``_resources.Tasks``) bound to the elements endpoint, with two more
verbs:

- ``generate(element_name, element_description=..., reference_type="image_refer", element_image_list={...})``:
  create the element and wait for it; its id is ``task.task_result.elements[0].element_id`` (``element_ids``);
- ``list_presets(page=, page_size=)``: the official element library (``/v1/general/advanced-presets-elements``);
- ``delete(element_id)``: delete one of the account's own elements (``/v1/general/delete-elements``). Retried only
  when the request surely did nothing (a refused connection, a rate limit): a deletion is not repeated blindly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Unpack

import httpx
from kling_api.models import CreatedImageTask, CreateElementTaskRequest, ElementTask
from kling_api.types import UNSET, Unset

from . import _answers, _arguments, _endpoints
from ._core import CallOptions, ClientCore
from ._drivers import run, run_async
from ._effects import Flow
from ._errors import ValidationError
from ._flows import query
from ._requests import field_of
from ._resources import _TRACE, AsyncTasks, Tasks
from ._retry import create_should_retry
from ._types import ElementFields, ItemsOf

if TYPE_CHECKING:
    from kling_api.models import DeletedElementTask, PresetElementTask

    from . import _jobs
    from ._batch import BatchResult

PRESETS_PATH = "/v1/general/advanced-presets-elements"
DELETE_PATH = "/v1/general/delete-elements"


def element_ids(task: ElementTask) -> list[int]:
    """The ids of the elements an element task made (what ``element_list`` takes), in order; [] until it
    succeeded."""
    result = task.task_result
    elements = [] if isinstance(result, Unset) or isinstance(result.elements, Unset) else result.elements
    return [e.element_id for e in elements if isinstance(e.element_id, int) and not isinstance(e.element_id, bool)]


def _check_element_id(value: object) -> str:
    """An element id as the delete body carries it (a string, per the spec's decision); ints are taken too."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0 or value.bit_length() > 63:
            raise ValidationError("element_id", "must be an element id (a non-negative 64-bit integer)")
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("element_id", f"must be an element id, got {type(value).__name__}")
    return value


class _ElementFlows:
    """The flows of the two verbs beyond a task resource's, shared by the sync and async resources."""

    _core: ClientCore

    def _presets(self, page: object, page_size: object, options: CallOptions) -> Flow[list[PresetElementTask]]:
        from kling_api.api.elements import list_preset_elements
        from kling_api.models import PresetElementTask, PresetElementTaskListResponse

        page_num, size = _arguments.page(page, page_size, PRESETS_PATH)
        parse = _answers.tasks_parser(PresetElementTaskListResponse, PresetElementTask)
        kwargs = {"page_num": page_num, "page_size": size}
        return query(
            self._core, "list presets", list_preset_elements, PRESETS_PATH, kwargs, parse, options, _TRACE.get()
        )

    def _delete(self, element_id: object, options: CallOptions) -> Flow[DeletedElementTask]:
        import kling_spec
        from kling_api.api.elements import delete_element
        from kling_api.models import DeletedElementTask, DeleteElementRequest, DeleteElementResponse

        body = {"element_id": _check_element_id(element_id)}
        try:
            kling_spec.validate_request_body(body, "deleteElement")
        except kling_spec.RequestValidationError as error:
            raise ValidationError(field_of(error), error.rule) from None
        parse = _answers.data_parser(DeleteElementResponse, DeletedElementTask)
        kwargs = {"body": DeleteElementRequest.from_dict(body)}
        return query(
            self._core,
            "delete",
            delete_element,
            DELETE_PATH,
            kwargs,
            parse,
            options,
            _TRACE.get(),
            method="POST",
            with_body=True,
            should_retry=create_should_retry,
        )


class Elements(Tasks[ElementTask, CreateElementTaskRequest], _ElementFlows):
    """The account's elements: ``client.elements`` (see the module docstring; the task verbs are :class:`Tasks`')."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.elements())

    if TYPE_CHECKING:  # the typed keywords of the create request; the methods are Tasks'

        def create(  # type: ignore[override]
            self,
            first: str | CreateElementTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[ElementFields],
        ) -> CreatedImageTask:
            """Submit an element task: see :meth:`Tasks.create`."""

        def generate(  # type: ignore[override]
            self,
            first: str | CreateElementTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ElementTask], None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[ElementFields],
        ) -> ElementTask:
            """Create an element task, then wait for it: see :meth:`Tasks.generate`."""

        def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | CreateElementTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ElementTask]], object] | None = None,
            timeout: float | Unset = ...,
            **fields: Unpack[ElementFields],
        ) -> list[BatchResult[ElementTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""

    def list_presets(
        self,
        *,
        page: int = 1,
        page_size: int = 30,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> list[PresetElementTask]:
        """One page of the official element library (their ids work in ``element_list`` like your own)."""
        return run(self._presets(page, page_size, self._options(timeout, extra_headers, extra_query)), self._core)

    def delete(
        self,
        element_id: int | str,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> DeletedElementTask:
        """Delete one of your elements (presets cannot be deleted); its status becomes ``deleted``."""
        return run(self._delete(element_id, self._options(timeout, extra_headers, extra_query)), self._core)


class AsyncElements(AsyncTasks[ElementTask, CreateElementTaskRequest], _ElementFlows):
    """``client.elements`` of an AsyncKling (the same methods as :class:`Elements`)."""

    def __init__(self, core: ClientCore) -> None:
        super().__init__(core, _endpoints.elements())

    if TYPE_CHECKING:

        async def create(  # type: ignore[override]
            self,
            first: str | CreateElementTaskRequest | None = None,
            /,
            *,
            timeout: float | httpx.Timeout | Unset | None = ...,  # noqa: ASYNC109 - an HTTP timeout
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            **fields: Unpack[ElementFields],
        ) -> CreatedImageTask:
            """Submit an element task: see :meth:`Tasks.create`."""

        async def generate(  # type: ignore[override]
            self,
            first: str | CreateElementTaskRequest | None = None,
            /,
            *,
            deadline: float | None = None,
            on_update: Callable[[ElementTask], Awaitable[None] | None] | None = None,
            extra_headers: Mapping[str, str] | None = None,
            extra_query: Mapping[str, Any] | None = None,
            extra_body: Mapping[str, Any] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[ElementFields],
        ) -> ElementTask:
            """Create an element task, then wait for it: see :meth:`Tasks.generate`."""

        async def generate_many(  # type: ignore[override]
            self,
            items: ItemsOf[str | CreateElementTaskRequest],
            *,
            concurrency: int = ...,
            deadline: float | None = None,
            job: str | None = None,
            shard: str | tuple[int, int] | None = None,
            max_units: float | Decimal | None = None,
            on_start: Callable[[_jobs.ItemStarted], object] | None = None,
            on_result: Callable[[BatchResult[ElementTask]], object] | None = None,
            timeout: float | Unset = ...,  # noqa: ASYNC109 - the deprecated name of deadline
            **fields: Unpack[ElementFields],
        ) -> list[BatchResult[ElementTask]]:
            """Generate every item: see :meth:`Tasks.generate_many`."""

    async def list_presets(
        self,
        *,
        page: int = 1,
        page_size: int = 30,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> list[PresetElementTask]:
        """One page of the official element library: see :meth:`Elements.list_presets`."""
        options = self._options(timeout, extra_headers, extra_query)
        return await run_async(self._presets(page, page_size, options), self._core)

    async def delete(
        self,
        element_id: int | str,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> DeletedElementTask:
        """Delete one of your elements: see :meth:`Elements.delete`."""
        options = self._options(timeout, extra_headers, extra_query)
        return await run_async(self._delete(element_id, options), self._core)
