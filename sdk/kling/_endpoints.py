"""The task endpoints of the API, as data: what the one set of flows (``_flows``) needs to talk to each.

Every image endpoint is a task endpoint of the same shape: ``POST path`` creates a task (answered with a
``CreateImageTaskResponse``), ``GET path/{task_id}`` queries it by task id or ``external_task_id``, ``GET path``
lists a page. A :class:`TaskEndpoint` names the generated functions, models and answers of one of them, and how its
task lists its pictures (for downloads): the create reconciliation, the retries, the wait and the downloads are
the same rules for all, written once.

The descriptors of the newer endpoints import their generated modules on first use (``omni_image()``, ...):
``import kling`` loads only what ``/v1/images/generations`` needs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from kling_api.api.images import create_image_task, get_image_task, list_image_tasks
from kling_api.models import CreateImageTaskRequest, ImageTask, ImageTaskListResponse, ImageTaskResponse
from kling_api.types import UNSET, Response, Unset

if TYPE_CHECKING:
    from kling_api.models import FinalBalanceDeduction, TaskInfo, TaskStatus


class Task(Protocol):
    """What every task of a task endpoint has (``ImageTask``, ``OmniImageTask``, ``MultiShotTask``, ...)."""

    @property
    def task_id(self) -> str: ...
    @property
    def task_status(self) -> TaskStatus: ...
    @property
    def created_at(self) -> int: ...
    @property
    def updated_at(self) -> int: ...
    @property
    def task_status_msg(self) -> str | Unset: ...
    @property
    def task_info(self) -> TaskInfo | Unset: ...
    @property
    def final_unit_deduction(self) -> str | Unset: ...
    @property
    def final_balance_deduction(self) -> FinalBalanceDeduction | Unset: ...


TaskT = TypeVar("TaskT", bound=Task)
RequestT = TypeVar("RequestT")


@dataclass(frozen=True)
class Picture:
    """One image file a task offers, as its answer lists it: ``number`` is the API's image number (its ``index``),
    ``group`` and ``view`` name it beside its siblings (``series-2``, ``0-view-1``): ``_download`` builds file
    names from them, never from the URL."""

    number: object
    url: object
    watermark_url: object = None
    group: str = ""
    view: str = ""


@dataclass(frozen=True, eq=False)
class TaskEndpoint(Generic[TaskT, RequestT]):
    """One task endpoint: see the module docstring."""

    #: How messages and the CLI name it: ``omni-image``.
    name: str
    path: str
    #: The create's operationId: the schema kling_spec checks a body against (``createOmniImageTask``).
    operation: str
    request_type: type[RequestT]
    task_type: type[TaskT]
    #: The generated modules (``kling_api.api...``) of the create, the query by id and the list.
    create_api: Any
    get_api: Any
    list_api: Any
    task_envelope: type[Any]
    list_envelope: type[Any]
    #: The field a create's first positional argument sets (``prompt``; ``image`` for outpainting).
    first_field: str
    #: The pictures of a succeeded task, in order; the most a task can hold is ``most_pictures``.
    pictures: Callable[[TaskT], list[Picture]]
    most_pictures: int

    def task_path(self, encoded_id: str) -> str:
        return f"{self.path}/{encoded_id}"

    @functools.cached_property
    def parse_task(self) -> Callable[[Response[Any]], tuple[TaskT, str]]:
        """The parser of a query's answer (``_answers.task_parser``), made once per endpoint."""
        from ._answers import task_parser

        return task_parser(self.task_envelope, self.task_type)

    @functools.cached_property
    def parse_tasks(self) -> Callable[[Response[Any]], tuple[list[TaskT], str]]:
        from ._answers import tasks_parser

        return tasks_parser(self.list_envelope, self.task_type)


class _NoResult:
    images: Unset = UNSET
    series_images: Unset = UNSET


def _results(task: Any) -> Any:
    """The task's ``task_result``; one listing nothing when it has none."""
    result = task.task_result
    return _NoResult() if result is None or isinstance(result, Unset) else result


def _listed(value: Any) -> list[Any]:
    return [] if value is None or isinstance(value, Unset) else list(value)


def _image_pictures(task: Any) -> list[Picture]:
    return [Picture(image.index, image.url, image.watermark_url) for image in _listed(_results(task).images)]


def _omni_pictures(task: Any) -> list[Picture]:
    """A single result's ``images``, then a series' ``series_images`` (``series-1``, ...)."""
    result = _results(task)
    singles = [Picture(image.index, image.url, image.watermark_url) for image in _listed(result.images)]
    series = [
        Picture(image.index, image.url, image.watermark_url, group="series-") for image in _listed(result.series_images)
    ]
    return singles + series


def _multi_shot_pictures(task: Any) -> list[Picture]:
    """Each result set's three views, ``url_1`` to ``url_3``: ``{index}-view-{1..3}``."""
    pictures = []
    for shot in _listed(_results(task).images):
        for view in (1, 2, 3):
            url = getattr(shot, f"url_{view}")
            if not isinstance(url, Unset):
                pictures.append(Picture(shot.index, url, view=f"-view-{view}"))
    return pictures


#: ``n`` is at most 9 on every endpoint that has it; a series holds 2 to 9; a multi-shot 3 sets of 3 views.
_MOST_IMAGES = 9

IMAGES: TaskEndpoint[ImageTask, CreateImageTaskRequest] = TaskEndpoint(
    name="generations",
    path="/v1/images/generations",
    operation="createImageTask",
    request_type=CreateImageTaskRequest,
    task_type=ImageTask,
    create_api=create_image_task,
    get_api=get_image_task,
    list_api=list_image_tasks,
    task_envelope=ImageTaskResponse,
    list_envelope=ImageTaskListResponse,
    first_field="prompt",
    pictures=_image_pictures,
    most_pictures=_MOST_IMAGES,
)


@functools.cache
def omni_image() -> TaskEndpoint[Any, Any]:
    from kling_api.api.omni_image import create_omni_image_task, get_omni_image_task, list_omni_image_tasks
    from kling_api.models import (
        CreateOmniImageTaskRequest,
        OmniImageTask,
        OmniImageTaskListResponse,
        OmniImageTaskResponse,
    )

    return TaskEndpoint(
        name="omni-image",
        path="/v1/images/omni-image",
        operation="createOmniImageTask",
        request_type=CreateOmniImageTaskRequest,
        task_type=OmniImageTask,
        create_api=create_omni_image_task,
        get_api=get_omni_image_task,
        list_api=list_omni_image_tasks,
        task_envelope=OmniImageTaskResponse,
        list_envelope=OmniImageTaskListResponse,
        first_field="prompt",
        pictures=_omni_pictures,
        most_pictures=2 * _MOST_IMAGES,
    )


@functools.cache
def multi_image() -> TaskEndpoint[Any, Any]:
    from kling_api.api.multi_image import (
        create_multi_image_to_image_task,
        get_multi_image_to_image_task,
        list_multi_image_to_image_tasks,
    )
    from kling_api.models import CreateMultiImageToImageTaskRequest

    return TaskEndpoint(
        name="multi-image",
        path="/v1/images/multi-image2image",
        operation="createMultiImageToImageTask",
        request_type=CreateMultiImageToImageTaskRequest,
        task_type=ImageTask,
        create_api=create_multi_image_to_image_task,
        get_api=get_multi_image_to_image_task,
        list_api=list_multi_image_to_image_tasks,
        task_envelope=ImageTaskResponse,
        list_envelope=ImageTaskListResponse,
        first_field="prompt",
        pictures=_image_pictures,
        most_pictures=_MOST_IMAGES,
    )


@functools.cache
def expand() -> TaskEndpoint[Any, Any]:
    from kling_api.api.expand import create_expand_image_task, get_expand_image_task, list_expand_image_tasks
    from kling_api.models import CreateExpandImageTaskRequest

    return TaskEndpoint(
        name="outpainting",
        path="/v1/images/editing/expand",
        operation="createExpandImageTask",
        request_type=CreateExpandImageTaskRequest,
        task_type=ImageTask,
        create_api=create_expand_image_task,
        get_api=get_expand_image_task,
        list_api=list_expand_image_tasks,
        task_envelope=ImageTaskResponse,
        list_envelope=ImageTaskListResponse,
        first_field="image",
        pictures=_image_pictures,
        most_pictures=_MOST_IMAGES,
    )


@functools.cache
def multi_shot() -> TaskEndpoint[Any, Any]:
    from kling_api.api.multi_shot import create_multi_shot_task, get_multi_shot_task, list_multi_shot_tasks
    from kling_api.models import (
        CreateMultiShotTaskRequest,
        MultiShotTask,
        MultiShotTaskListResponse,
        MultiShotTaskResponse,
    )

    return TaskEndpoint(
        name="multi-shot",
        path="/v1/general/ai-multi-shot",
        operation="createMultiShotTask",
        request_type=CreateMultiShotTaskRequest,
        task_type=MultiShotTask,
        create_api=create_multi_shot_task,
        get_api=get_multi_shot_task,
        list_api=list_multi_shot_tasks,
        task_envelope=MultiShotTaskResponse,
        list_envelope=MultiShotTaskListResponse,
        first_field="element_frontal_image",
        pictures=_multi_shot_pictures,
        most_pictures=3 * 3,
    )


@functools.cache
def elements() -> TaskEndpoint[Any, Any]:
    from kling_api.api.elements import create_element_task, get_element_task, list_element_tasks
    from kling_api.models import CreateElementTaskRequest, ElementTask, ElementTaskListResponse, ElementTaskResponse

    return TaskEndpoint(
        name="elements",
        path="/v1/general/advanced-custom-elements",
        operation="createElementTask",
        request_type=CreateElementTaskRequest,
        task_type=ElementTask,
        create_api=create_element_task,
        get_api=get_element_task,
        list_api=list_element_tasks,
        task_envelope=ElementTaskResponse,
        list_envelope=ElementTaskListResponse,
        first_field="element_name",
        pictures=lambda task: [],
        most_pictures=0,
    )
