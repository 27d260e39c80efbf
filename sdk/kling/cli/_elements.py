"""``kling elements ...``: the account's elements (subjects the models keep consistent, named in ``--element ID``)
and the official presets.

- ``create NAME --description TEXT --image FRONTAL --refer-image FILE ...``: make a multi-image element, wait for
  it, print its element id (``--no-wait``: print the task_id);
- ``list`` (your element tasks; ``--presets``: the official library), ``get ID``, ``wait ID`` (the shared task
  commands of ``_tasks``), ``delete ELEMENT_ID``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from kling_api.models import ElementReferenceType, ElementTagId
from kling_api.types import Unset

from .._elements import element_ids
from .._endpoints import elements as elements_endpoint
from ._app import cli, state_of
from ._errors import CliError
from ._exit_codes import API_ERROR
from ._params import ASCII_INT
from ._tasks import (
    TaskKind,
    create_task,
    get_command,
    page_options,
    print_created,
    timeout_option,
    use_kind,
    wait_command,
    wait_task,
)

if TYPE_CHECKING:
    from kling_api.models import Element


def _elements_of(task: Any) -> list[Element]:
    result = task.task_result
    if isinstance(result, Unset) or result is None or isinstance(result.elements, Unset):
        return []
    return list(result.elements)


def _text(value: object) -> str:
    return "" if value is None or isinstance(value, Unset) else str(value)


def _tags(element: Element) -> str:
    if isinstance(element.tag_list, Unset):
        return ""
    names = {member.value: name.lower() for name, member in ElementTagId.__members__.items()}
    return ",".join(names.get(str(tag.tag_id), str(tag.tag_id)) for tag in element.tag_list)


def element_details(task: Any) -> list[tuple[str, str]]:
    """The rows ``get`` and ``wait`` add for each element the task made."""
    rows: list[tuple[str, str]] = []
    for element in _elements_of(task):
        rows.append(("element_id", _text(element.element_id)))
        rows.append(("element_name", _text(element.element_name)))
        if _text(element.element_description):
            rows.append(("description", _text(element.element_description)))
        if _tags(element):
            rows.append(("tags", _tags(element)))
        if _text(element.status):
            rows.append(("element_status", _text(element.status)))
    return rows


def element_rows(task: Any) -> list[str]:
    """A task of ``kling elements list``: one line per element (``id  status  name  tags``), or the task while it
    has none."""
    lines = []
    for element in _elements_of(task):
        status = _text(element.status) or str(task.task_status)
        line = f"{_text(element.element_id)}  {status:<10}  {_text(element.element_name)}"
        lines.append(f"{line}  [{_tags(element)}]" if _tags(element) else line)
    return lines or [f"task {task.task_id}  {task.task_status!s:<10}  (no element yet)"]


KIND = TaskKind(
    command="elements",
    resource="elements",
    endpoint=elements_endpoint,
    watermark=False,
    options_of_fields={
        "element_name": "NAME",
        "element_description": "--description",
        "element_image_list.frontal_image": "--image",
        "element_image_list.refer_images": "--refer-image",
        "element_image_list": "--image/--refer-image",
        "tag_list": "--tag",
        "element_voice_id": "--voice-id",
    },
    details=element_details,
)


class TagType(click.ParamType[str]):
    """An element tag, by its id (``o_102``) or its name (``character``)."""

    name = "tag"

    def __init__(self) -> None:
        members = sorted(ElementTagId.__members__.items(), key=lambda item: item[1].value)
        self.by_name = {name.lower(): member.value for name, member in members}

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "NAME|ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        tag = self.by_name.get(text.lower(), text)
        if tag not in self.by_name.values():
            known = ", ".join(f"{name} ({tag_id})" for name, tag_id in self.by_name.items())
            self.fail(f"{text!r} is not an element tag: {known}", param, ctx)
        return tag


@cli.group()
@click.pass_context
def elements(ctx: click.Context) -> None:
    """Your elements (consistent subjects for --element) and the official presets."""
    use_kind(ctx, KIND)


_IMAGE = "a URL, Base64, or a local .jpg/.png"


@elements.command()
@click.argument("name")
@click.option(
    "--description", "element_description", required=True, help="What the element is, at most 100 characters."
)
@click.option("--image", "frontal_image", required=True, metavar="URL|BASE64|PATH", help=f"Its frontal view: {_IMAGE}.")
@click.option(
    "--refer-image",
    "refer_images",
    multiple=True,
    metavar="URL|BASE64|PATH",
    help=f"Another view or a close-up (repeat it: 1 to 3): {_IMAGE}.",
)
@click.option(
    "--tag",
    "tags",
    type=TagType(),
    multiple=True,
    help="A tag (repeat it): " + ", ".join(TagType().by_name) + "; or its id (o_101 to o_108).",
)
@click.option("--voice-id", "element_voice_id", help="A voice of the voice library (character elements only).")
@click.option("--external-task-id", help="Your own unique id for the task (query it with `kling elements get`).")
@click.option("--callback-url", metavar="URL", help="The server POSTs each status change here.")
@timeout_option(KIND)
@click.option("--no-wait", is_flag=True, help="Print the task_id at once instead of waiting for the element.")
@click.pass_context
def create(
    ctx: click.Context,
    /,
    name: str,
    frontal_image: str,
    refer_images: tuple[str, ...],
    tags: tuple[str, ...],
    timeout: float | None,
    no_wait: bool,
    **fields: Any,
) -> None:
    """Create the element NAME from its images, wait for it and print its element id (what --element takes)."""
    state = state_of(ctx)
    request = {
        "element_name": name,
        "reference_type": ElementReferenceType.IMAGE_REFER,
        "element_image_list": {
            "frontal_image": frontal_image,
            # Left out when none is given: the SDK then says that refer_images is required (before sending).
            **({"refer_images": [{"image_url": image} for image in refer_images]} if refer_images else {}),
        },
        "tag_list": [{"tag_id": tag} for tag in tags] or None,
        **fields,
    }
    client = state.client(ctx)
    created = create_task(client, KIND, {key: value for key, value in request.items() if value is not None})
    if no_wait:
        print_created(state, created)
        return
    state.output.note(f"created task {created.task_id}")
    task = wait_task(client, state, KIND, created.task_id, timeout)
    made = element_ids(task)
    if not made:
        raise CliError(f"task {task.task_id} succeeded but lists no element", exit_code=API_ERROR, task_id=task.task_id)
    if state.output.json_mode:
        state.output.data({"task": task.to_dict(), "element_ids": made})
        return
    for element_id in made:
        state.output.line(str(element_id))


elements.add_command(get_command(KIND))
elements.add_command(wait_command(KIND))
_PAGE, _PAGE_SIZE = page_options()


@elements.command(name="list")
@click.option("--presets", is_flag=True, help="The official element library instead of your own elements.")
@_PAGE
@_PAGE_SIZE
@click.pass_context
def list_elements(ctx: click.Context, presets: bool, page: int, page_size: int) -> None:
    """List your elements (their tasks), or the presets, a page at a time: ``ELEMENT_ID  STATUS  NAME  [TAGS]``."""
    state = state_of(ctx)
    resource = KIND.tasks(state.client(ctx))
    tasks = (resource.list_presets if presets else resource.list)(page=page, page_size=page_size)
    if state.output.json_mode:
        state.output.data([task.to_dict() for task in tasks])
        return
    if not tasks:
        state.output.note("no elements on this page")
    for task in tasks:
        for line in element_rows(task):
            state.output.line(line)


@elements.command()
@click.argument("element_id", type=ASCII_INT)
@click.pass_context
def delete(ctx: click.Context, element_id: int) -> None:
    """Delete your element ELEMENT_ID (presets cannot be deleted)."""
    state = state_of(ctx)
    deleted = KIND.tasks(state.client(ctx)).delete(element_id)
    if state.output.json_mode:
        state.output.data({"element_id": element_id, **deleted.to_dict()})
        return
    state.output.line(f"deleted element {element_id}")
